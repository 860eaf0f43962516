// swift-tools-version: 6.1
import PackageDescription

// Fuzzing (`make fuzz`, docs/security.md): the parsers a pull request reaches, as libFuzzer
// targets. `LoreFuzz` holds what each target does with an input; each `fuzz-NAME` executable is a
// libFuzzer entry point when built with `-sanitize=fuzzer -D LORE_FUZZ` (into .build-fuzz), and a
// corpus replayer otherwise. `FuzzCorpusTests` replays Tests/FuzzCorpus on every test run.
let fuzzNames = ["entry", "markdown", "configuration", "search-query"]
let fuzzTargets: [Target] = [
    .target(name: "LoreFuzz", dependencies: ["LoreKit", "Markdown"]),
    .testTarget(name: "FuzzCorpusTests", dependencies: ["LoreFuzz"]),
] + fuzzNames.map { .executableTarget(name: "fuzz-\($0)", dependencies: ["LoreFuzz"], path: "Sources/Fuzz/\($0)") }

let package = Package(
    name: "Lore",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "LoreKit", targets: ["LoreKit"]),
        .library(name: "LoreCore", targets: ["LoreCore"]),
        .executable(name: "lore", targets: ["lore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        // The official MCP SDK, used by LoreMCP only (`lore mcp`); LoreKit does not depend on it.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
    ],
    targets: [
        // System libraries from Debian (libgit2-dev, libcmark-gfm-dev); see Makefile `deps`.
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2",
                       providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark-gfm",
                       providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        // The only module that touches libgit2.
        .target(name: "Git", dependencies: ["CGit2"]),
        // The only module that touches cmark-gfm.
        .target(name: "Markdown", dependencies: ["CCmark"]),
        // The core of the library, bottom to top: Support, Model → Storage, Parsing → Config,
        // History → Corpus, Query → Links. Yams is its only package dependency. Nothing in it
        // may use LoreKit: the compiler keeps the layers (docs/architecture.md).
        .target(name: "LoreCore", dependencies: [
            "Git", "Markdown", .product(name: "Yams", package: "Yams"),
        ], exclude: ["Resources/embed.py"]),
        // The features over the core: Editing, FollowUp, Hooks → Rules, Output → Reporters,
        // Recall, Search, Scaffold, Publish.
        .target(name: "LoreKit", dependencies: [
            "LoreCore", "Git", "Markdown",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // `lore lsp`: the Language Server Protocol over standard input and output (JSON-RPC framing
        // written here, Foundation's JSON), its features over LoreKit's.
        .target(name: "LoreLSP", dependencies: ["LoreKit", "Git"]),
        // The MCP server over stdio (`lore mcp`): tools, resources and prompts over LoreKit.
        .target(name: "LoreMCP", dependencies: [
            "LoreKit", .product(name: "MCP", package: "swift-sdk"),
        ]),
        .executableTarget(name: "lore", dependencies: [
            "LoreKit", "LoreLSP", "LoreMCP", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GitTests", dependencies: ["CGit2", "Git", "TestSupport"]),
        .testTarget(name: "MarkdownTests", dependencies: ["Markdown"]),
        .testTarget(name: "LoreKitTests", dependencies: ["LoreKit", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "LoreMCPTests", dependencies: ["LoreMCP", .product(name: "MCP", package: "swift-sdk")]),
        .testTarget(name: "CLITests", dependencies: ["lore", "TestSupport"], exclude: ["Fixtures"]),
    ] + fuzzTargets,
    swiftLanguageModes: [.v6]
)
