"""Staff panel views: invoices, credit notes, payments, cards, statements and their documents."""
