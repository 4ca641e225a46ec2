"""The texts of every notification, one module per source of events; each text in English and Italian."""
