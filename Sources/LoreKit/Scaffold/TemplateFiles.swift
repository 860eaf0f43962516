import Git

/// The repository's own copies of the templates, in `.lore/templates/`.
public enum TemplateFiles {
    /// Where a repository overrides the template `name`.
    public static func path(named name: String) -> GitPath { GitPath(".lore/templates/\(name).md") }

    /// Copies every built-in template into `.lore/templates/` of the working tree at `root`
    /// (with a trailing `/`), never over an existing file. Returns each path and whether it was
    /// created (`false`: a file was already there and is unchanged).
    public static func install(inWorkingTree root: String) throws(NewFileError) -> [(path: GitPath, created: Bool)] {
        var results: [(path: GitPath, created: Bool)] = []
        for name in BuiltInTemplates.names {
            let path = path(named: name)
            do {
                try NewFile.create(at: root + path.description, bytes: Array(BuiltInTemplates.text(for: name)!.utf8), inside: root)
                results.append((path, true))
            } catch .exists {
                results.append((path, false))
            }
        }
        return results
    }
}
