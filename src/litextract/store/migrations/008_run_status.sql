-- 008: how each run ended and which process ran it, so that a run left open by a killed process is closed
-- ('interrupted') by the next run instead of staying open for ever.
ALTER TABLE runs ADD COLUMN status VARCHAR;            -- NULL while running | finished | interrupted
ALTER TABLE runs ADD COLUMN pid INTEGER;               -- the process that ran it
ALTER TABLE runs ADD COLUMN host VARCHAR;              -- on this machine
UPDATE runs SET status = 'finished' WHERE finished_at IS NOT NULL;
