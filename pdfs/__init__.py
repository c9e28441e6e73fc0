"""The documents the business sends: invoices, credit notes and statements as PDF (fpdf2, pure
Python). Each module builds one document from the domain's figures; layout.py holds the look."""
