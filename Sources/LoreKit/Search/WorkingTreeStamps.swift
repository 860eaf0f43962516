import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the working tree's entry folders look like to `stat`: every folder under the kinds'
/// folders (its time changes when a file is added, removed or renamed in it) and every entry file in
/// them (size, times, inode), plus the configuration and the top-level ignore rules. Comparing a
/// stored record with the disk takes one `fstatat` per file and reads nothing, which is how a warm
/// search of the working tree avoids loading the corpus.
enum WorkingTreeStamps {
    /// The record for the folders `roots` (relative to `top`) and the files `extra` (absolute paths;
    /// `.gitignore` files inside the folders are added); `nil` when something changed in the last two
    /// seconds and could change again within the same timestamp.
    static func record(top: String, roots: [String], extra: [String]) -> [UInt8]? {
        var extra = extra
        var folders: [String] = []
        var pending = roots.filter { !$0.isEmpty }.sorted().reversed().map { $0 }
        while let folder = pending.popLast() {
            folders.append(folder)
            guard let directory = opendir(top + "/" + folder) else { continue }
            var children: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == ".gitignore" { extra.append(top + "/" + folder + "/" + name) }
                guard name != ".", name != "..", !name.hasPrefix(".") else { continue }
                var kind = entry.pointee.d_type
                if kind == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    guard lstat(top + "/" + folder + "/" + name, &info) == 0 else { continue }
                    kind = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
                }
                if kind == UInt8(DT_DIR) { children.append(folder + "/" + name) }
            }
            closedir(directory)
            pending += children.sorted().reversed()
        }
        return stamps(top: top, extra: extra, folders: folders.map { ($0, nil) }, checkAge: true)
    }

    /// The record `stored` still describes the disk.
    static func isCurrent(_ stored: [UInt8], top: String) -> Bool {
        guard let (extra, folders) = decodeNames(stored) else { return false }
        return stamps(top: top, extra: extra, folders: folders, checkAge: false) == stored
    }

    // The record: for each extra file "F name\0" + stat; for each folder "D path\0" + stat, then
    // for each entry file in it "f name\0" + stat; each stat as fixed decimal text.
    /// `folders` with their entry files' names, or `nil` to list them from the disk.
    private static func stamps(top: String, extra: [String], folders: [(path: String, files: [String]?)], checkAge: Bool) -> [UInt8]? {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var out: [UInt8] = []
        var info = stat()
        func append(_ tag: UInt8, _ name: String, _ info: stat?) -> Bool {
            out.append(tag)
            out += name.utf8
            out.append(0)
            guard let info else { out += Array("-\n".utf8); return true }
            if checkAge && max(info.st_mtim.tv_sec, info.st_ctim.tv_sec) >= now.tv_sec - 2 { return false }
            out += Array("\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec) \(info.st_ino)\n".utf8)
            return true
        }
        for name in extra {
            let found = lstat(name, &info) == 0
            guard append(UInt8(ascii: "F"), name, found ? info : nil) else { return nil }
        }
        for (folder, files) in folders {
            let fd = open(top + "/" + folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                guard append(UInt8(ascii: "D"), folder, nil) else { return nil }
                continue
            }
            defer { close(fd) }
            guard fstat(fd, &info) == 0, append(UInt8(ascii: "D"), folder, info) else { return nil }
            if let files {
                for name in files {
                    let found = fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0
                    _ = append(UInt8(ascii: "f"), name, found ? info : nil)
                }
            } else {
                guard let directory = fdopendir(dup(fd)) else { continue }
                var names: [String] = []
                while let entry = readdir(directory) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                    }
                    if name.hasSuffix(".md"), EntryFileFilter.isEntry(GitPath(folder + "/" + name)) { names.append(name) }
                }
                closedir(directory)
                for name in names.sorted() {
                    guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0, append(UInt8(ascii: "f"), name, info) else { return nil }
                }
            }
        }
        return out
    }

    /// The extra files and the folders, with their files, a record names.
    private static func decodeNames(_ record: [UInt8]) -> (extra: [String], folders: [(path: String, files: [String]?)])? {
        var folders: [(path: String, files: [String]?)] = []
        var extra: [String] = []
        var index = 0
        while index < record.count {
            let tag = record[index]
            guard let zero = record[index...].firstIndex(of: 0), let newline = record[zero...].firstIndex(of: 10) else { return nil }
            let name = String(decoding: record[(index + 1)..<zero], as: UTF8.self)
            switch tag {
            case UInt8(ascii: "F"): extra.append(name)
            case UInt8(ascii: "D"): folders.append((name, []))
            case UInt8(ascii: "f"):
                guard !folders.isEmpty else { return nil }
                folders[folders.count - 1].files!.append(name)
            default: return nil
            }
            index = newline + 1
        }
        return (extra, folders)
    }
}
