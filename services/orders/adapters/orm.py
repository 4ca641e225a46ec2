"""Tables of the orders database (its own alembic history under migrations/)."""
from sqlalchemy import MetaData

metadata = MetaData()
