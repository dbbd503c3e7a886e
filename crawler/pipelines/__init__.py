"""Item pipelines, in ITEM_PIPELINES order: extraction, extraction health, date window,
incremental (versions and near-duplicates), validation."""
