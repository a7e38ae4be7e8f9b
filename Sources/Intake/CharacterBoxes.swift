import CPoppler

/// The box of each character of a page's text, as poppler laid it out: read once per page and
/// shared by the layout checks and by ``CharacterBoxes/separatingColumns(_:)``. poppler builds
/// the boxes from the text page that extracting the text already made, so reading them costs a
/// copy, not another pass over the content stream. Used under ``PopplerReader/lock`` only.
struct CharacterBoxes: ~Copyable {
    /// The page text's Unicode scalars; the layout has one box per scalar.
    let scalars: [Unicode.Scalar]
    private let rectangles: UnsafeMutablePointer<PopplerRectangle>?
    /// One box per scalar (fewer if poppler gave fewer: the rest have none).
    let boxes: UnsafeBufferPointer<PopplerRectangle>

    init(page: OpaquePointer, text: String) {
        scalars = Array(text.unicodeScalars)
        var rectangles: UnsafeMutablePointer<PopplerRectangle>?
        var count: guint = 0
        if poppler_page_get_text_layout(page, &rectangles, &count) == 0 { rectangles = nil; count = 0 }
        self.rectangles = rectangles
        boxes = UnsafeBufferPointer(start: rectangles, count: rectangles == nil ? 0 : min(Int(count), scalars.count))
    }

    deinit { if let rectangles { g_free(rectangles) } }

    /// The text with a tab where poppler glued two runs drawn apart on one line.
    ///
    /// poppler joins the cells of a table row without a space when they are separate text
    /// objects: "Dénomination ou raison socialeSOCIÉTÉ DES RÉSEAUX", "統一社会信用代码9131…". A
    /// reviewer reading the extracted text, and the evidence search, need the label and the value
    /// apart. Between two characters, neither of them white space, whose boxes are further apart
    /// than `gapInHeights` of the glyph height (kerning and letter spacing stay far below it):
    /// a tab when they sit on one line (in either direction, so right-to-left text is treated
    /// alike) or the second is to the right on another line (a value beside a wrapped label); a
    /// line break when the second is back to the left on another line. Vertical text, whose
    /// characters are stacked, gets nothing. Nothing is inserted when poppler gave no boxes or
    /// fewer than characters.
    func separatingColumns(gapInHeights: Double = 0.6) -> String {
        guard boxes.count == scalars.count, boxes.count > 1 else { return String(String.UnicodeScalarView(scalars)) }
        // Written as UTF-8 bytes and made a String once: appending scalars to a String one at
        // a time costs several times more.
        var output: [UInt8] = []
        output.reserveCapacity(scalars.count + scalars.count / 2 + 16)
        Self.appendUTF8(scalars[0], to: &output)
        for i in 1..<scalars.count {
            let before = scalars[i - 1], scalar = scalars[i]
            if !isWhiteSpaceScalar(before), !isWhiteSpaceScalar(scalar) {
                let a = boxes[i - 1], b = boxes[i]
                let aTop = min(a.y1, a.y2), aBottom = max(a.y1, a.y2), bTop = min(b.y1, b.y2), bBottom = max(b.y1, b.y2)
                let height = max(aBottom - aTop, bBottom - bTop, 0.1)
                let sameLine = abs((aTop + aBottom) / 2 - (bTop + bBottom) / 2) < height / 2
                let forward = min(b.x1, b.x2) - max(a.x1, a.x2), backward = min(a.x1, a.x2) - max(b.x1, b.x2)
                if sameLine, max(forward, backward) > gapInHeights * height {
                    output.append(0x09)
                } else if !sameLine, forward > gapInHeights * height {
                    // The next cell of a row whose label wraps: its value starts beside the
                    // label's first or last line.
                    output.append(0x09)
                } else if !sameLine, backward > gapInHeights * height {
                    output.append(0x0A)
                }
            }
            Self.appendUTF8(scalar, to: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func appendUTF8(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        let value = scalar.value
        switch value {
        case 0..<0x80:
            output.append(UInt8(value))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | value >> 6))
            output.append(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | value >> 12))
            output.append(UInt8(0x80 | value >> 6 & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        default:
            output.append(UInt8(0xF0 | value >> 18))
            output.append(UInt8(0x80 | value >> 12 & 0x3F))
            output.append(UInt8(0x80 | value >> 6 & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        }
    }
}
