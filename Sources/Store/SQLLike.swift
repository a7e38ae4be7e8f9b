/// LIKE patterns built from what people type, with `%`, `_` and the escape character taken
/// literally (queries add `ESCAPE '\'`, which SQLite and PostgreSQL both understand).
enum SQLLike {
    /// `%text%`, matching any value that contains `text` as typed.
    static func containing(_ text: String) -> String {
        "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
