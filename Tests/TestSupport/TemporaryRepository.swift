import Foundation

/// What a finished process printed and how it ended.
public struct ProcessResult: Sendable, Equatable {
    public let stdout: String
    public let stderr: String
    public let status: Int32

    public init(stdout: String, stderr: String, status: Int32) {
        self.stdout = stdout
        self.stderr = stderr
        self.status = status
    }
}

/// A failed git (or other) command in a test's set-up.
public struct CommandFailed: Error, CustomStringConvertible {
    public let description: String
}

/// Runs a program to completion. Output goes to temporary files, so a chatty process can never
/// fill a pipe and deadlock the test.
public func runProcess(_ executable: String, _ arguments: [String], in directory: String? = nil,
                       environment: [String: String]? = nil, stdin: String? = nil) throws -> ProcessResult {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lore-proc-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
    // open(2), not FileManager.createFile, which on Linux leaves a /tmp/TemporaryDirectory.* folder
    // behind for every file it creates.
    for url in [outURL, errURL] { close(open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    if let environment { process.environment = environment }
    let outHandle = try FileHandle(forWritingTo: outURL), errHandle = try FileHandle(forWritingTo: errURL)
    process.standardOutput = outHandle
    process.standardError = errHandle
    if let stdin {
        let inURL = scratch.appendingPathComponent("in")
        try Data(stdin.utf8).write(to: inURL)
        process.standardInput = try FileHandle(forReadingFrom: inURL)
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    process.waitUntilExit()
    try outHandle.close(); try errHandle.close()
    return ProcessResult(stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                         stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
                         status: process.terminationStatus)
}

/// The environment every test git command runs with: no user or system configuration, fixed
/// names and dates, and nothing inherited that would point git elsewhere.
public func gitEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    for key in ["GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR", "GIT_PREFIX"] {
        environment[key] = nil
    }
    environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment["GIT_AUTHOR_NAME"] = "Ada Tester"
    environment["GIT_AUTHOR_EMAIL"] = "ada@example.com"
    environment["GIT_AUTHOR_DATE"] = "2025-01-02T03:04:05+00:00"
    environment["GIT_COMMITTER_NAME"] = "Ada Tester"
    environment["GIT_COMMITTER_EMAIL"] = "ada@example.com"
    environment["GIT_COMMITTER_DATE"] = "2025-01-02T03:04:05+00:00"
    environment["LC_ALL"] = "C"
    for (key, value) in extra { environment[key] = value }
    return environment
}

/// A throw-away git repository in a temporary folder, made with the git CLI; removed on deinit.
public final class TemporaryRepository {
    /// The folder holding everything this repository made (parent of `path`).
    public let base: String
    /// The repository's top folder (the working tree, or the bare repository itself).
    public let path: String

    /// A new repository (`git init -b main`), bare when asked.
    public init(bare: Bool = false) throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("lore-test-\(UUID().uuidString)").path
        path = base + "/repo"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git(bare ? ["init", "-q", "--bare", "-b", "main"] : ["init", "-q", "-b", "main"])
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    /// Runs git in the repository (or in `directory`); throws when git fails; returns its stdout.
    @discardableResult
    public func git(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> String {
        let git = FileManager.default.isExecutableFile(atPath: "/usr/bin/git") ? "/usr/bin/git" : "/usr/local/bin/git"
        let result = try runProcess(git, arguments, in: directory ?? path, environment: gitEnvironment(environment))
        guard result.status == 0 else {
            throw CommandFailed(description: "git \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    /// Writes text to a file of the working tree, creating folders.
    public func write(_ relative: String, _ text: String) throws {
        try write(relative, bytes: Array(text.utf8))
    }

    /// Writes exact bytes to a file of the working tree (the name too may be any bytes).
    public func write(_ relative: String, bytes: [UInt8]) throws {
        try write(nameBytes: Array(relative.utf8), bytes: bytes)
    }

    /// Writes exact bytes to a file whose path (relative to the working tree) is given as bytes.
    public func write(nameBytes: [UInt8], bytes: [UInt8]) throws {
        let full = Array(path.utf8) + [UInt8(ascii: "/")] + nameBytes
        if let slash = full.lastIndex(of: UInt8(ascii: "/")) {
            let folder = String(decoding: full[..<slash], as: UTF8.self)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let fd = (full + [0]).withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        }
        guard fd >= 0 else { throw CommandFailed(description: "cannot create test file \(relative(full))") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, bytes.count) }
        guard written == bytes.count else { throw CommandFailed(description: "short write") }
    }

    private func relative(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Stages everything and commits with a fixed author and date.
    public func commitAll(_ message: String) throws {
        try git(["add", "-A"])
        try git(["commit", "-q", "-m", message])
    }
}

/// Text of a typical valid entry.
public func entryText(id: String, title: String, status: String = "published", extra: String = "",
                      body: String = "## Summary\n\nWhat happened.\n") -> String {
    "---\nid: \(id)\ntitle: \(title)\ndate: 2025-03-14\nstatus: \(status)\n\(extra)---\n\n# \(title)\n\n\(body)"
}

/// Runs the real `lore` binary in `directory` with the tests' git environment (plus `environment`),
/// to completion: the one way every CLI test runs Lore.
public func lore(_ arguments: [String], in directory: String, environment: [String: String] = [:],
                 stdin: String? = nil) throws -> ProcessResult {
    try runProcess(loreBinary, arguments, in: directory, environment: gitEnvironment(environment), stdin: stdin)
}

/// Runs the real `lore` binary at the top of `repository`.
public func lore(_ arguments: [String], in repository: TemporaryRepository, environment: [String: String] = [:],
                 stdin: String? = nil) throws -> ProcessResult {
    try lore(arguments, in: repository.path, environment: environment, stdin: stdin)
}

/// The top folder of Lore's source tree (holding Package.swift), for tests that compare the
/// library with files of the repository (templates, hooks, docs, sources).
public let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The path of the `lore` binary built next to the test bundle (or `LORE_BINARY`).
public var loreBinary: String {
    if let explicit = ProcessInfo.processInfo.environment["LORE_BINARY"] { return explicit }
    let bundleFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    return bundleFolder.appendingPathComponent("lore").path
}
