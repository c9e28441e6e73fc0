"""Data in and out in bulk: CSV files read and staged for an import, work addresses imported
from them, every customer's data exported, and many rows written at once."""
