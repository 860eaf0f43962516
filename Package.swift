// swift-tools-version: 6.1
import PackageDescription

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
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
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
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        // The MCP server over stdio (`lore mcp`): tools, resources and prompts over LoreKit.
        .target(name: "LoreMCP", dependencies: [
            "LoreKit", .product(name: "MCP", package: "swift-sdk"),
        ]),
        .executableTarget(name: "lore", dependencies: [
            "LoreKit", "LoreMCP", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GitTests", dependencies: ["Git", "TestSupport"]),
        .testTarget(name: "MarkdownTests", dependencies: ["Markdown"]),
        .testTarget(name: "LoreKitTests", dependencies: ["LoreKit", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "LoreMCPTests", dependencies: ["LoreMCP", .product(name: "MCP", package: "swift-sdk")]),
        .testTarget(name: "CLITests", dependencies: ["lore", "TestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
