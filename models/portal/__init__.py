"""The customer portal: links a customer opens without a staff login, their tokens stored only
as hashes, what each link may show, and revoking them."""
