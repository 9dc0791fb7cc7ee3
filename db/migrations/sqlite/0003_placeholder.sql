-- 0003 placeholder, in branch h-dp only: migration 0003 belongs to another branch. Delete this
-- file when merging (the real 0003 takes its place); migrations must have no gaps.
SELECT 1;
