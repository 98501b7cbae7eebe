"""The built-in xAPI LRS: statements, documents, credentials (LRS issue)."""
