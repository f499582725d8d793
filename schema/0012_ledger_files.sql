-- 0012: the committed ledger files. Evidence, approvals and the audit entries
-- of the commands that stored them are written as files in the program's
-- ledger folder (program.yaml `ledger_dir`, default `ledger`), one file per
-- command, so that every clone shares them through git; this database
-- imports them (app/ledger_files.cpp). Append-only: never edit this file after
-- release; add schema/NNNN_name.sql instead.
--
-- Emptying source_file makes the next command reload every YAML file, which
-- fills program.ledger_dir.

ALTER TABLE program ADD COLUMN ledger_dir TEXT NOT NULL DEFAULT 'ledger';

-- Every ledger file this database holds, with the size and modification time
-- it had when imported or written (a changed stamp makes the next command
-- check the file's content hash again).
CREATE TABLE ledger_file (
  name      TEXT PRIMARY KEY,              -- file name inside the ledger folder
  size      INTEGER NOT NULL,
  mtime_ns  INTEGER NOT NULL
) STRICT;

-- The ledger file each evidence row and approval came from or was written to;
-- NULL for rows stored before ledger files existed (they stay in this
-- database only). When a file this database imported is gone (another branch
-- checked out, or folded by `gc`), the rows of every file are dropped and the
-- files present imported again.
ALTER TABLE evidence ADD COLUMN ledger_file TEXT;
ALTER TABLE approval ADD COLUMN ledger_file TEXT;

DELETE FROM source_file;
