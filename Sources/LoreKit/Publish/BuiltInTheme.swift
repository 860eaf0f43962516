/// The default site theme, compiled in from `Templates/theme/` (see `EmbeddedFiles`); each file
/// can be overridden by `.lore/theme/` of the snapshot.
public enum BuiltInTheme {
    /// Every file of the theme by name, in name order.
    public static let files: [(name: String, text: String)] = EmbeddedFiles.files(in: "Templates/theme")
}
