"""Files: what was said to or about a customer, the documents and pictures kept on the record,
and the email sent out through the outbox."""
