-- The uncompressed size of each EPUB spine item: readers weigh progress with it.
ALTER TABLE sections ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
