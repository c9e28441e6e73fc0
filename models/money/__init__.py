"""Money: invoices, credit notes and payments with their allocations, document numbers and
stored totals, balances and statements, invoice addresses and their format, and stored cards."""
