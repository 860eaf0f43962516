import Foundation
import Git

/// Makes new ids for a kind by its scheme, avoiding every id already in use.
public enum IDAllocator {
    /// The ids of every entry in the working tree, the index and at the tip of every local and
    /// remote-tracking branch, read through libgit2 without checking anything out.
    ///
    /// Entries are read with the working tree's configuration, so each kind's folder is the same
    /// in every snapshot; unchanged files come from the parse cache.
    public static func takenIDs(in memory: MemoryRepository, configuration: Configuration) throws(LoreError) -> Set<String> {
        var sources: [SnapshotSource] = []
        if !memory.repository.isBare { sources += [.workingTree, .index(file: nil)] }
        let tips: [BranchTip]
        do { tips = try memory.repository.branchTips() } catch { throw .repository(error) }
        var seen = Set<ObjectID>()
        for tip in tips where seen.insert(tip.commit).inserted { sources.append(.revision(tip.commit.hex)) }
        var ids = Set<String>()
        for source in sources {
            let snapshot = try memory.snapshot(source)
            let corpus = try memory.corpus(of: snapshot, configuration: configuration)
            for entry in corpus.entries { if let id = entry.id { ids.insert(id) } }
        }
        return ids
    }

    /// The first id to try for `kind` on `date` (`YYYY-MM-DD`): after the highest number in
    /// `taken` for `sequence` and `date`, a fresh random one for `random`.
    public static func first(for kind: Kind, date: String, taken: Set<String>) -> String {
        switch kind.ids {
        case .sequence:
            let highest = taken.compactMap { sequenceNumber($0, prefix: kind.prefix) }.max() ?? 0
            return sequenceID(prefix: kind.prefix, number: highest + 1)
        case .date:
            let day = date.replacingOccurrences(of: "-", with: "")
            let stem = "\(kind.prefix)-\(day)-"
            let highest = taken.compactMap { id -> Int? in
                guard id.hasPrefix(stem) else { return nil }
                let rest = id.dropFirst(stem.count)
                // At most 18 digits, as for sequences: the next number always fits.
                return !rest.isEmpty && rest.count <= 18 && rest.allSatisfy(\.isASCIIDigit) ? Int(rest) : nil
            }.max() ?? 0
            return stem + String(highest + 1)
        case .random:
            return next(after: "", for: kind, taken: taken)
        }
    }

    /// The next id in a team's own numbered scheme (a kind whose ids come from file names):
    /// the most used prefix among `kindIDs` with its highest number plus one, zero-padded to the
    /// widest number written (`0012` → `0013`, `ADR051` → `ADR052`, `PM2019-009` → `PM2019-010`);
    /// never one in `taken`. `0001` when the kind has no numbered id yet.
    public static func nextInTeamScheme(kindIDs: [String], taken: Set<String>) -> String {
        var groups: [String: (count: Int, highest: Int, width: Int)] = [:]
        for id in kindIDs {
            let digits = id.reversed().prefix { $0.isASCIIDigit }.count
            guard digits > 0, digits <= 18, let number = Int(id.suffix(digits)) else { continue }
            let prefix = String(id.dropLast(digits))
            let old = groups[prefix] ?? (0, 0, 0)
            groups[prefix] = (old.count + 1, max(old.highest, number), max(old.width, digits))
        }
        guard let (prefix, group) = groups.max(by: { ($0.value.count, $0.value.highest) < ($1.value.count, $1.value.highest) }) else {
            var number = 1
            while taken.contains(String(format: "%04d", number)) { number += 1 }
            return String(format: "%04d", number)
        }
        var number = group.highest + 1
        func make(_ value: Int) -> String {
            let text = String(value)
            return prefix + String(repeating: "0", count: max(0, group.width - text.count)) + text
        }
        while taken.contains(make(number)) { number += 1 }
        return make(number)
    }

    /// The id to try after `id` was found taken: the next number, or another random id; never one
    /// in `taken`.
    public static func next(after id: String, for kind: Kind, taken: Set<String>) -> String {
        var candidate = id
        repeat {
            switch kind.ids {
            case .sequence:
                candidate = sequenceID(prefix: kind.prefix, number: (sequenceNumber(candidate, prefix: kind.prefix) ?? 0) + 1)
            case .date:
                guard let dash = candidate.lastIndex(of: "-"), let number = Int(candidate[candidate.index(after: dash)...]),
                      number < 999_999_999_999_999_999 else {
                    return candidate
                }
                candidate = String(candidate[...dash]) + String(number + 1)
            case .random:
                let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
                candidate = kind.prefix + "-" + String((0..<5).map { _ in alphabet.randomElement()! })
            }
        } while taken.contains(candidate)
        return candidate
    }

    /// The number of a sequence id `PREFIX-0042`, or `nil` for another form.
    static func sequenceNumber(_ id: String, prefix: String) -> Int? {
        guard id.hasPrefix(prefix + "-") else { return nil }
        let digits = id.dropFirst(prefix.count + 1)
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(digits)
    }

    static func sequenceID(prefix: String, number: Int) -> String {
        let digits = String(number)
        return prefix + "-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// An exclusive lock shared by every `lore new` of a repository (all its worktrees): held from
/// reading the ids in use until the new file exists, so concurrent runs never pick the same id.
public final class CreationLock {
    private let fd: Int32

    /// Seconds to wait for another `lore new` (`LORE_LOCK_TIMEOUT` overrides): far longer than
    /// any creation takes, short enough that a stuck holder is reported rather than waited on forever.
    public static var defaultTimeout: Double {
        getenv("LORE_LOCK_TIMEOUT").flatMap { Double(String(cString: $0)) }.map { max(0, $0) } ?? 30
    }

    /// Takes the lock (`flock(2)` on `lore/new.lock` in the common git folder). When another
    /// process holds it, `onWait` is told what is waited for, and after `timeout` seconds the
    /// wait ends with an error naming the lock (the kernel releases it when its holder ends, so
    /// a lock still held belongs to a process that is running).
    init(commonDirectory: String, timeout: Double = CreationLock.defaultTimeout, onWait: ((String) -> Void)? = nil) throws(EditError) {
        let folder = commonDirectory + "lore"
        mkdir(folder, 0o755)
        let path = folder + "/new.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .write("cannot open the lock \(path): \(String(cString: strerror(errno)))") }
        var waited = 0.0
        var told = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                close(fd)
                throw .write("cannot lock \(path): \(String(cString: strerror(code)))")
            }
            if !told {
                onWait?("waiting for another lore new to finish (it holds \(path)); giving up after \(Int(timeout)) s")
                told = true
            }
            guard waited < timeout else {
                close(fd)
                throw .write("gave up after \(Int(timeout)) s waiting for \(path), held by another process (a lore new still running, or stuck: `fuser \(path)` names it); try again when it ends")
            }
            usleep(50_000)
            waited += 0.05
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
