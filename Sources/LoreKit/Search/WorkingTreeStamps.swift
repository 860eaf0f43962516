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
    /// `.gitignore` files inside the folders are added). A file or folder changed in the last two
    /// seconds could change again within the same timestamp (git's racy-clean case): its stat is
    /// recorded as zeros, which matches no disk, so the next search reads it again.
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

    /// The record `stored` still describes the disk. Reads names straight out of the record (they
    /// are NUL-terminated there) and compares each stat in place: no allocation per file.
    static func isCurrent(_ stored: [UInt8], top: String) -> Bool {
        // Two halves, split at a folder, on two cores: the kernel's stat is nearly all the cost.
        var folders: [Int] = []
        var index = 0
        while index < stored.count {
            guard let zero = stored[(index + 1)...].firstIndex(of: 0), zero + 1 < stored.count else { return false }
            if stored[index] == UInt8(ascii: "D") { folders.append(index) }
            index = zero + 2 + (stored[zero + 1] == 1 ? 48 : 0)
        }
        guard index == stored.count else { return false }
        let middle = folders.isEmpty ? stored.count : folders[folders.count / 2]
        return [0..<middle, middle..<stored.count].parallelMap { check(stored, $0, top: top) }.allSatisfy { $0 }
    }

    private static func check(_ stored: [UInt8], _ range: Range<Int>, top: String) -> Bool {
        stored.withUnsafeBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            let count = range.upperBound
            var index = range.lowerBound
            var folder: Int32 = -1
            defer { if folder >= 0 { close(folder) } }
            var info = stat()
            while index < count {
                let tag = base[index]
                let name = index + 1
                guard name < count, let zero = memchr(base + name, 0, count - name) else { return false }
                let end = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(zero))
                guard end + 1 < count else { return false }
                let present = base[end + 1] == 1
                let next = end + 2 + (present ? 48 : 0)
                guard next <= count else { return false }
                let found: Bool = UnsafeRawPointer(base + name).withMemoryRebound(to: CChar.self, capacity: end - name + 1) { path in
                    switch tag {
                    case UInt8(ascii: "F"):
                        return lstat(path, &info) == 0
                    case UInt8(ascii: "D"):
                        if folder >= 0 { close(folder) }
                        folder = open(top + "/" + String(cString: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                        return folder >= 0 && fstat(folder, &info) == 0
                    default:
                        return folder >= 0 && fstatat(folder, path, &info, AT_SYMLINK_NOFOLLOW) == 0
                    }
                }
                guard found == present else { return false }
                if present {
                    var fields = (Int64(info.st_size), Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec),
                                  Int64(info.st_ctim.tv_sec), Int64(info.st_ctim.tv_nsec), UInt64(info.st_ino))
                    let same = withUnsafeBytes(of: &fields) { memcmp($0.baseAddress!, base + end + 2, 48) == 0 }
                    guard same else { return false }
                }
                index = next
            }
            return true
        }
    }

    /// The entry files whose stat differs between two records (paths relative to the top, sorted),
    /// or `nil` when more than file contents changed: an extra file (the configuration, ignore
    /// rules), a folder added or removed, or an entry file added, removed or renamed. A folder
    /// whose own stat changed while holding the same names (an editor saving by rename) is fine.
    /// A file younger than two seconds in `new` is always named.
    static func changedFiles(from old: [UInt8], to new: [UInt8]) -> [String]? {
        guard let before = items(old), let after = items(new), before.count == after.count else { return nil }
        var changed: [String] = []
        var folder: ArraySlice<UInt8> = []
        for (one, other) in zip(before, after) {
            guard one.tag == other.tag, old[one.name].elementsEqual(new[other.name]) else { return nil }
            if one.tag == UInt8(ascii: "D") { folder = old[one.name] }
            // A file recorded young (zeros) may have changed again unseen: always read again.
            let young = other.stat.count == 48 && new[other.stat].allSatisfy { $0 == 0 }
            guard young || !old[one.stat].elementsEqual(new[other.stat]) else { continue }
            switch one.tag {
            case UInt8(ascii: "f"): changed.append(String(decoding: folder + [UInt8(ascii: "/")] + old[one.name], as: UTF8.self))
            case UInt8(ascii: "D"): continue
            default: return nil
            }
        }
        return changed.sorted()
    }

    /// A record's items in order: tag, and where the name and the stat bytes (empty when missing)
    /// are; `nil` when the record is malformed.
    private static func items(_ record: [UInt8]) -> [(tag: UInt8, name: Range<Int>, stat: Range<Int>)]? {
        var out: [(tag: UInt8, name: Range<Int>, stat: Range<Int>)] = []
        var index = 0
        while index < record.count {
            guard let zero = record[(index + 1)...].firstIndex(of: 0), zero + 1 < record.count else { return nil }
            let end = zero + 2 + (record[zero + 1] == 1 ? 48 : 0)
            guard end <= record.count else { return nil }
            out.append((record[index], (index + 1)..<zero, (zero + 2)..<end))
            index = end
        }
        return out
    }

    // The record: for each extra file "F name\0" + stat; for each folder "D path\0" + stat, then
    // for each entry file in it "f name\0" + stat; a stat is 0 (missing) or 1 and 48 bytes (size,
    // modification and change times, inode).
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
            guard let info else { out.append(0); return true }
            out.append(1)
            if checkAge && max(info.st_mtim.tv_sec, info.st_ctim.tv_sec) >= now.tv_sec - 2 {
                out += repeatElement(0, count: 48)
                return true
            }
            var fields = (Int64(info.st_size), Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec),
                          Int64(info.st_ctim.tv_sec), Int64(info.st_ctim.tv_nsec), UInt64(info.st_ino))
            withUnsafeBytes(of: &fields) { out += $0 }
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
}
