"""Customers: the people and companies on the record, their contacts, branches, phone numbers and
work addresses; finding them (search and related records, on normalised keys), and merging two."""
