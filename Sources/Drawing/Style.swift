/// An sRGB colour with straight (not premultiplied) alpha, components in 0...1.
public struct Color: Equatable, Sendable {
    /// Red component, 0...1.
    public var red: Double
    /// Green component, 0...1.
    public var green: Double
    /// Blue component, 0...1.
    public var blue: Double
    /// Opacity, 0 (invisible) ... 1 (opaque).
    public var alpha: Double

    /// Creates a colour from components in 0...1.
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// Creates an opaque colour from `0xRRGGBB`, the form design notes and brand guides use.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(
            red: Double((hex >> 16) & 0xFF) / 255,
            green: Double((hex >> 8) & 0xFF) / 255,
            blue: Double(hex & 0xFF) / 255,
            alpha: alpha
        )
    }

    /// A neutral grey; `level` 0 is black, 1 is white.
    public static func gray(_ level: Double, alpha: Double = 1) -> Color {
        Color(red: level, green: level, blue: level, alpha: alpha)
    }

    /// The same colour with a different opacity, for watermarks and faint rules.
    public func withAlpha(_ alpha: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// Body text.
    public static let black = Color(red: 0, green: 0, blue: 0)
    /// Paper.
    public static let white = Color(red: 1, green: 1, blue: 1)
}

/// How an outline is drawn: colour, width in canvas units and an optional dash pattern.
public struct Stroke: Equatable, Sendable {
    /// Line colour.
    public var color: Color
    /// Line width in canvas units.
    public var width: Double
    /// Alternating on/off lengths; empty means a solid line.
    public var dash: [Double]

    /// Creates a stroke; defaults to a hairline-ish solid black rule.
    public init(color: Color = .black, width: Double = 0.75, dash: [Double] = []) {
        self.color = color
        self.width = width
        self.dash = dash
    }
}

/// Font weights the installed Noto families actually ship, so no weight is silently synthesised.
public enum FontWeight: Sendable {
    /// Body text.
    case regular
    /// Headings and field labels.
    case bold
}

/// Horizontal placement of text inside its box (or around its anchor when no width is given).
public enum TextAlignment: Sendable {
    /// Ragged right; the anchor is the left edge.
    case left
    /// Centred; without a width the anchor is the centre.
    case center
    /// Ragged left; without a width the anchor is the right edge.
    case right
    /// Both edges flush (last line left); needs a width.
    case justified
}

/// Font family lists that pango understands; each names a Latin face first and a CJK face as
/// fallback so mixed-script strings render with matching styles instead of tofu boxes.
public enum FontFamily {
    /// Humanist sans for forms and modern registry extracts.
    public static let sans = "Noto Sans, Noto Sans CJK JP"
    /// Serif for formal certificates.
    public static let serif = "Noto Serif, Noto Serif CJK JP"
    /// Japanese gothic for Japanese documents (its Latin glyphs are used too, for consistency).
    public static let japaneseSans = "Noto Sans CJK JP"
    /// Japanese mincho, the face Japanese registry certificates are printed in.
    public static let japaneseSerif = "Noto Serif CJK JP"
    /// Traditional Chinese serif (Hong Kong, Taiwan) after a Latin serif.
    public static let traditionalChineseSerif = "Noto Serif, Noto Serif CJK TC"
}
