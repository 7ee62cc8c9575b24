-- Ledger retention (delivery): attempts are pruned by time (delivery.ledger.retention).
CREATE INDEX attempts_at ON attempts(at);
