"""Tables of the catalog database (its own alembic history under migrations/)."""
from sqlalchemy import MetaData

metadata = MetaData()
