import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the entry folders look like to `stat`, hashed: every folder and file under the kinds'
/// folders (name, size, modification time, inode), the configuration and templates, and git's
/// `HEAD` and its log (a commit or a checkout). The server's own check of the snapshot, for
/// clients that do not report file changes: one `lstat` per file, nothing read.
enum DiskStamp {
    static func compute(root: String, folders: [String], files: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x100_0000_01b3
        }
        func mix(stat path: String) {
            var info = stat()
            mix(path.utf8)
            guard lstat(path, &info) == 0 else { mix([0]); return }
            for value in [UInt64(truncatingIfNeeded: info.st_size), UInt64(truncatingIfNeeded: info.st_ino),
                          UInt64(truncatingIfNeeded: info.st_mtim.tv_sec), UInt64(truncatingIfNeeded: info.st_mtim.tv_nsec),
                          UInt64(truncatingIfNeeded: info.st_ctim.tv_sec), UInt64(truncatingIfNeeded: info.st_ctim.tv_nsec)] {
                withUnsafeBytes(of: value) { mix($0) }
            }
        }
        for file in files { mix(stat: file) }
        var pending = folders.sorted().reversed().map { $0 }
        while let folder = pending.popLast() {
            mix(stat: folder)
            guard let directory = opendir(folder) else { continue }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                guard name != ".", name != ".." else { continue }
                names.append(name)
            }
            closedir(directory)
            var children: [String] = []
            for name in names.sorted() {
                let path = folder + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    children.append(path)
                } else {
                    mix(stat: path)
                }
            }
            pending += children.reversed()
        }
        return hash
    }
}
