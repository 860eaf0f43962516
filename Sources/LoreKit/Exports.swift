// A program that imports LoreKit sees the whole library: the core's values and the Git layer's.
@_exported import Git
@_exported import LoreCore
