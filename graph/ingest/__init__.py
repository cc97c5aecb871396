"""Getting data in: the import format, validated line by line, written in batches.

lines      one JSON line of the import format validated into write operations
importer   files (or records) imported in batches, bad lines rejected with their numbers
seed       demo data (faker) written through the importer
"""
