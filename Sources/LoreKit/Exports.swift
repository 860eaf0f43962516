@_exported import Git
