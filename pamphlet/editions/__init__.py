"""Many editions: the matrix, the worker pool, the Dask cluster, the manifest of what was built."""
