import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a new file was not created.
public enum NewFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file is already there; it was left untouched.
    case exists(String)
    /// The system refused (permissions, disk full …).
    case system(String, String)

    public var description: String {
        switch self {
        case .exists(let path): return "\(path) already exists; not changed"
        case .system(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// Creates files that must not exist yet, all or nothing: the bytes go to a temporary file in the
/// same folder, which is then hard-linked into place — `link(2)` refuses to replace an existing
/// file, atomically — so a user's file is never overwritten, truncated or half-written.
public enum NewFile {
    /// Writes `bytes` to a new file at `path`, creating missing parent folders. With `root`
    /// (a folder `path` lies in, such as the working tree), every folder on the way from `root`
    /// must be a real folder: a symbolic link there could lead outside it, so nothing is written.
    public static func create(at path: String, bytes: [UInt8], inside root: String? = nil) throws(NewFileError) {
        if let root { try checkRealFolders(from: root, to: path) }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw .system(folder, error.localizedDescription)
            }
        }
        if access(path, F_OK) == 0 { throw .exists(path) }
        let temporary = (folder.isEmpty ? "." : folder) + "/.lore-new-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system(path, String(cString: strerror(errno))) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd); unlink(temporary)
                throw .system(path, reason)
            }
            written += count
        }
        if fsync(fd) != 0 || close(fd) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .system(path, reason)
        }
        defer { unlink(temporary) }
        if link(temporary, path) != 0 {
            if errno == EEXIST { throw .exists(path) }
            throw .system(path, String(cString: strerror(errno)))
        }
    }
}

extension NewFile {
    /// Refuses a `path` under `root` reached through anything but real folders (a symbolic link,
    /// a file), or leaving `root` with `..`.
    static func checkRealFolders(from root: String, to path: String) throws(NewFileError) {
        let base = root.hasSuffix("/") ? root : root + "/"
        guard path.hasPrefix(base) else { throw .system(path, "not inside \(root)") }
        let components = path.dropFirst(base.count).split(separator: "/").dropLast()
        var current = String(base.dropLast())
        for component in components {
            if component == ".." || component == "." { throw .system(path, "not inside \(root)") }
            current += "/" + component
            var info = stat()
            guard lstat(current, &info) == 0 else { return }  // missing from here on: made as real folders
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                let what = (info.st_mode & S_IFMT) == S_IFLNK ? "a symbolic link" : "not a folder"
                throw .system(path, "\(current) is \(what); Lore writes only through real folders of the repository")
            }
        }
    }
}

/// Writes a file's bytes all or nothing: the new bytes go to a temporary file in the same folder
/// (with the old file's permissions), are flushed to disk, then renamed over the old file, so a
/// reader or a crash sees either the old file or the new one, never a mix.
public enum AtomicFile {
    /// Replaces the existing file at `path` with `bytes`.
    public static func replace(at path: String, with bytes: [UInt8]) throws(NewFileError) {
        try replace(at: path, with: bytes, crashHalfway: false)
    }

    /// Writes `bytes` to `path`, replacing the file if there is one (an output file such as
    /// `lore index --output`): a new file gets the permissions the umask allows.
    public static func write(_ bytes: [UInt8], to path: String) throws(NewFileError) {
        try replace(at: path, with: bytes, crashHalfway: false, mustExist: false)
    }

    /// `crashHalfway` is the test hook of `TestHooks`: the process ends after writing half of the
    /// temporary file, as a crash or power loss would, to show the old file is left whole.
    package static func replace(at path: String, with bytes: [UInt8], crashHalfway: Bool, mustExist: Bool = true) throws(NewFileError) {
        var info = stat()
        let exists = stat(path, &info) == 0
        guard exists || (!mustExist && errno == ENOENT) else { throw .system(path, String(cString: strerror(errno))) }
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.lore-edit-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exists ? 0o600 : 0o666)
        guard fd >= 0 else { throw .system(path, String(cString: strerror(errno))) }
        if exists { _ = fchmod(fd, info.st_mode & 0o7777) }
        let count = crashHalfway ? bytes.count / 2 : bytes.count
        var written = 0
        while written < count {
            let result = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd); unlink(temporary)
                throw .system(path, reason)
            }
            written += result
        }
        if crashHalfway { _exit(TestHooks.crashExitCode) }
        if fsync(fd) != 0 || close(fd) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .system(path, reason)
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .system(path, reason)
        }
    }
}

/// Hooks the tests use to prove Lore's writes are safe; inert unless their variable is set.
package enum TestHooks {
    /// The exit status of a crash the hooks inject.
    static let crashExitCode: Int32 = 97

    /// `LORE_TEST_CRASH_AFTER_FILES=N`: a multi-file edit (`lore renumber`) ends the process after
    /// replacing N files, halfway through writing the next one.
    package static var crashAfterFiles: Int? {
        guard let value = getenv("LORE_TEST_CRASH_AFTER_FILES") else { return nil }
        return Int(String(cString: value))
    }
}

/// Writes a private temporary file (created or truncated) with POSIX calls. Foundation's
/// `FileManager.createFile` writes "atomically" on Linux through a `TemporaryDirectory.XXXXXX`
/// folder in /tmp that it never removes, one per call: Lore's caches and hooks use this instead.
package enum ScratchFile {
    /// Writes `bytes` to `path` with permissions `mode`; `false` when the system refused.
    package static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { return false }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                close(fd)
                unlink(path)
                return false
            }
            written += count
        }
        if fchmod(fd, mode) != 0 || close(fd) != 0 {
            unlink(path)
            return false
        }
        return true
    }

    /// The bytes of the file at `path`, read straight into one array (no `Data` to copy from);
    /// `nil` when it cannot be read.
    package static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size >= 0 else { return nil }
        let size = Int(info.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var done = 0
            while done < size {
                let got = Glibc.read(fd, buffer.baseAddress! + done, size - done)
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { break }
                done += got
            }
            failed = done != size
            count = done
        }
        return failed ? nil : bytes
    }
}
