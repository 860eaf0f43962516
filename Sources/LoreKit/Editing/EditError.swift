import Foundation

/// Why Lore did not create or change a file, sorted by what the user should do about it.
public enum EditError: Error, Sendable, CustomStringConvertible {
    /// A wrong argument or value: an unknown kind or id, a value of the wrong type (exit code 2).
    case usage(String)
    /// Lore refused to change anything: the id is taken, a file has uncommitted changes (exit 1).
    case refused(String)
    /// The repository or its configuration could not be read.
    case repository(LoreError)
    /// A file could not be written (exit code 3).
    case write(String)

    public var description: String {
        switch self {
        case .usage(let message), .refused(let message), .write(let message): return "error: \(message)"
        case .repository(let error): return error.description
        }
    }
}
