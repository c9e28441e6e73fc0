"""Forms: invoices, credit notes, payments, cards, statements and their documents."""
