-- 0011: a deliverable's `done:` may be absent (null in milestone.deliverables'
-- JSON), which is not `done: false`: a closed milestone's deliverables are
-- done unless the YAML marks one `done: false`. Append-only: never edit this
-- file after release; add schema/NNNN_name.sql instead.
--
-- Emptying source_file makes the next command reload every YAML file, which
-- writes each absent `done:` as null; the YAML is the source of truth, so
-- nothing is lost.

DELETE FROM source_file;
