import Foundation
import CPoppler

// What a page's text layout shows that its text alone does not: words drawn over other words
// (the white-out forgery: a box over the original value, the new value typed on top), words
// placed off the page, and the font the declared name and number are set in. Read from
// poppler's text page, which extracting the text already built, so it costs a walk over the
// characters' boxes and not another pass over the content stream.

/// Text on a page that a reader of the page cannot see.
struct HiddenText: Sendable, Hashable {
    /// Why it cannot be seen.
    enum Cause: Sendable, Hashable {
        /// Other, different text is drawn on the same spot; the associated value is that
        /// text. Which of the two is on top is what the page image shows: poppler's text
        /// order is reading order, not drawing order.
        case overlapping(String)
        /// It lies outside the page's box.
        case offPage
        /// The page, drawn, shows nothing where it is: an opaque shape or image covers it, or
        /// it is drawn invisible (render mode 3 or 7) or in the paper's colour.
        case notVisible
    }
    var text: String
    var area: PageArea
    var cause: Cause
}

/// The font one occurrence of a declared value is set in, compared with the rest of its page.
struct ClaimFont: Sendable, Hashable {
    /// Which declared value: 0 the legal name, 1 the registration number.
    var claim: Int
    /// The font family (subset tag and style dropped: "ABCDEF+NotoSans-Bold" is "NotoSans").
    var family: String
    /// The size in points.
    var size: Double
    /// Where it is.
    var area: PageArea
    /// The families the page's other characters use, most used first.
    var otherFamilies: [String]
    /// The sizes of the other characters on its line (a label, the rest of a table row),
    /// rounded to a tenth of a point, ascending; empty when it stands alone, as a heading does.
    var lineSizes: [Double] = []
}

/// One page's layout findings.
struct PageLayoutFindings: Sendable, Hashable {
    var page: Int
    var hidden: [HiddenText] = []
    var claimFonts: [ClaimFont] = []
    /// The page's words (at least ``PageLayoutReader/minimumCoveredLength`` characters, on
    /// the page), kept for the ink check when the page is drawn.
    var words: [PlacedWord] = []
}

/// A word and where it is, in points from the page's top-left corner.
struct PlacedWord: Sendable, Hashable {
    var text: String
    var area: PageArea
}

/// Reads the layout of a page poppler already extracted text from; used under
/// ``PopplerReader/lock`` only.
enum PageLayoutReader {
    /// A word as laid out: its characters' range in the page text and their united box.
    struct Word {
        var range: Range<Int>
        var x1: Double, y1: Double, x2: Double, y2: Double
        var area: Double { max(0, x2 - x1) * max(0, y2 - y1) }
    }

    /// The layout findings of one page.
    /// - Parameters:
    ///   - scalars: the page's text as `poppler_page_get_text` gave it, and `boxes` the box of
    ///     each of its scalars, from ``CharacterBoxes``.
    ///   - claims: the declared legal name and registration number (empty strings are skipped).
    ///   - drawn: whether the page will be drawn in this inspection: only then are its words
    ///     kept (``PageLayoutFindings/words``) for the ink check, which looks at the drawing.
    static func read(page: OpaquePointer, number: Int, scalars: [Unicode.Scalar], boxes: UnsafeBufferPointer<PopplerRectangle>,
                     width: Double, height: Double, claims: [String], drawn: Bool) -> PageLayoutFindings {
        var findings = PageLayoutFindings(page: number)
        guard !boxes.isEmpty else { return findings }

        let words = Self.words(scalars, boxes)
        findings.hidden = hiddenWords(words, scalars: scalars, page: number, width: width, height: height)
        let overlapping = drawn ? Set(findings.hidden.map(\.text)) : []
        for word in words where drawn && word.range.count >= minimumCoveredLength && word.x1 >= 0 && word.y1 >= 0 && word.x2 <= width && word.y2 <= height {
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[word.range])
            let string = String(text)
            guard !overlapping.contains(string) else { continue }
            findings.words.append(PlacedWord(text: string, area: PageArea(page: number, x: word.x1, y: word.y1, width: word.x2 - word.x1, height: word.y2 - word.y1)))
        }
        let occurrences = claims.enumerated().flatMap { claim in
            Self.occurrences(of: claim.element, in: scalars).map { (claim: claim.offset, range: $0) }
        }
        if !occurrences.isEmpty {
            findings.claimFonts = claimFonts(occurrences, page: page, number: number, scalars: scalars, boxes: boxes)
        }
        return findings
    }

    /// Whether one image covers at least 90 % of the page: a scan, whose text, if any, is an
    /// invisible OCR layer by design. Runs the page's content again (poppler finds images by
    /// drawing), so it is asked only when the page is drawn anyway.
    static func isScanned(_ page: OpaquePointer, width: Double, height: Double) -> Bool {
        guard width > 0, height > 0, let mapping = poppler_page_get_image_mapping(page) else { return false }
        defer { poppler_page_free_image_mapping(mapping) }
        var node: UnsafeMutablePointer<GList>? = mapping
        while let current = node {
            if let data = current.pointee.data {
                let area = data.assumingMemoryBound(to: PopplerImageMapping.self).pointee.area
                if abs(area.x2 - area.x1) * abs(area.y2 - area.y1) >= 0.9 * width * height { return true }
            }
            node = current.pointee.next
        }
        return false
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool { isWhiteSpaceScalar(scalar) }

    /// Runs of characters drawn side by side on one line, with the box around them.
    ///
    /// The page text cannot be split at its spaces alone: poppler glues cells of a table
    /// together ("Eintragungen:4"), so a run also ends where the next character is not just
    /// to the right of the previous one on the same line (a jump back, a gap wider than half
    /// the glyph height, another line).
    static func words(_ scalars: [Unicode.Scalar], _ boxes: UnsafeBufferPointer<PopplerRectangle>) -> [Word] {
        var words: [Word] = []
        var current: Word?
        func close() {
            if let word = current, word.x1.isFinite, word.y1.isFinite, word.x2.isFinite, word.y2.isFinite { words.append(word) }
            current = nil
        }
        for i in 0..<boxes.count {
            guard !isSpace(scalars[i]) else { close(); continue }
            let box = boxes[i]
            let x1 = min(box.x1, box.x2), x2 = max(box.x1, box.x2), y1 = min(box.y1, box.y2), y2 = max(box.y1, box.y2)
            if let word = current {
                let height = max(y2 - y1, word.y2 - word.y1, 0.1)
                let sameLine = abs((y1 + y2) / 2 - (word.y1 + word.y2) / 2) < height / 2
                let previousRight = boxes[i - 1].x2
                let adjacent = x1 >= previousRight - height / 2 && x1 - previousRight <= height / 2
                if !(sameLine && adjacent) { close() }
            }
            if var word = current {
                word.range = word.range.lowerBound..<(i + 1)
                word.x1 = min(word.x1, x1); word.x2 = max(word.x2, x2)
                word.y1 = min(word.y1, y1); word.y2 = max(word.y2, y2)
                current = word
            } else {
                current = Word(range: i..<(i + 1), x1: x1, y1: y1, x2: x2, y2: y2)
            }
        }
        close()
        return words
    }

    /// Words shorter than this are left out of the overlap test: letters set along a curve
    /// (a seal's legend) have boxes that meet, and a forged value is longer.
    static let minimumCoveredLength = 3

    /// Words lying on other, different words (each pair once, in reading order), and words
    /// off the page.
    static func hiddenWords(_ words: [Word], scalars: [Unicode.Scalar], page: Int, width: Double, height: Double) -> [HiddenText] {
        func string(_ word: Word) -> String {
            var out = String.UnicodeScalarView()
            out.append(contentsOf: scalars[word.range])
            return String(out)
        }
        func area(_ word: Word) -> PageArea {
            PageArea(page: page, x: word.x1, y: word.y1, width: word.x2 - word.x1, height: word.y2 - word.y1)
        }
        var hidden: [HiddenText] = []
        for word in words where word.x2 <= 0 || word.y2 <= 0 || word.x1 >= width || word.y1 >= height {
            hidden.append(HiddenText(text: string(word), area: area(word), cause: .offPage))
        }
        // Sweep down the page: only words whose vertical extents meet can overlap.
        let order = words.indices.sorted { words[$0].y1 < words[$1].y1 }
        var reported = Set<Int>()
        for (position, i) in order.enumerated() {
            let a = words[i]
            guard a.area > 0, a.range.count >= minimumCoveredLength else { continue }
            for j in order[(position + 1)...] {
                let b = words[j]
                if b.y1 >= a.y2 { break }
                guard b.area > 0, b.range.count >= minimumCoveredLength else { continue }
                let overlapWidth = min(a.x2, b.x2) - max(a.x1, b.x1)
                let overlapHeight = min(a.y2, b.y2) - max(a.y1, b.y1)
                guard overlapWidth > 0, overlapHeight > 0 else { continue }
                // Half the smaller word covered, and different text: not kerning, not a fake
                // bold (the same text drawn twice, which poppler already merges).
                guard overlapWidth * overlapHeight >= 0.5 * min(a.area, b.area) else { continue }
                let textA = string(a), textB = string(b)
                guard textA != textB, !reported.contains(i), !reported.contains(j) else { continue }
                reported.insert(i)
                reported.insert(j)
                let (first, second) = a.range.lowerBound < b.range.lowerBound ? (a, b) : (b, a)
                var both = first
                both.x1 = min(a.x1, b.x1); both.y1 = min(a.y1, b.y1); both.x2 = max(a.x2, b.x2); both.y2 = max(a.y2, b.y2)
                hidden.append(HiddenText(text: string(first), area: area(both), cause: .overlapping(string(second))))
            }
        }
        return hidden
    }

    /// Where `claim` appears in the page text, ignoring case and white space; scalar ranges.
    static func occurrences(of claim: String, in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        let needle = claim.lowercased().unicodeScalars.filter { !isSpace($0) }
        guard needle.count >= 2 else { return [] }
        var compact: [Unicode.Scalar] = []
        var origin: [Int] = []
        compact.reserveCapacity(scalars.count)
        origin.reserveCapacity(scalars.count)
        for (index, scalar) in scalars.enumerated() where !isSpace(scalar) {
            // Lower-casing only the ASCII and Latin-1 letters keeps this a table lookup; the
            // claim is lower-cased the same way below.
            compact.append(lowered(scalar))
            origin.append(index)
        }
        let pattern = needle.map(lowered)
        guard pattern.count <= compact.count else { return [] }
        var ranges: [Range<Int>] = []
        var i = 0
        while i + pattern.count <= compact.count {
            if compact[i] == pattern[0], compact[i..<(i + pattern.count)].elementsEqual(pattern) {
                ranges.append(origin[i]..<(origin[i + pattern.count - 1] + 1))
                i += pattern.count
            } else {
                i += 1
            }
        }
        return ranges
    }

    static func lowered(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x41...0x5A, 0xC0...0xD6, 0xD8...0xDE: Unicode.Scalar(scalar.value + 0x20) ?? scalar
        default: scalar
        }
    }

    /// "ABCDEF+NotoSans-Bold" → "NotoSans"; "STSong-Light-UniGB-UCS2-H" → "STSong".
    static func family(_ fontName: String) -> String {
        var name = Substring(fontName)
        if let plus = name.firstIndex(of: "+"), name.distance(from: name.startIndex, to: plus) == 6 {
            name = name[name.index(after: plus)...]
        }
        if let dash = name.firstIndex(where: { $0 == "-" || $0 == "," }) { name = name[..<dash] }
        return String(name)
    }

    /// The font of each occurrence, and the families of every other character on the page.
    static func claimFonts(
        _ occurrences: [(claim: Int, range: Range<Int>)], page: OpaquePointer, number: Int,
        scalars: [Unicode.Scalar], boxes: UnsafeBufferPointer<PopplerRectangle>
    ) -> [ClaimFont] {
        guard let list = poppler_page_get_text_attributes(page) else { return [] }
        defer { poppler_page_free_text_attributes(list) }
        struct Run { var range: Range<Int>; var family: String; var size: Double }
        var runs: [Run] = []
        var node: UnsafeMutablePointer<GList>? = list
        while let current = node {
            if let data = current.pointee.data {
                let attributes = data.assumingMemoryBound(to: PopplerTextAttributes.self).pointee
                let start = Int(attributes.start_index), end = Int(attributes.end_index) + 1
                if start >= 0, end > start {
                    runs.append(Run(range: start..<end, family: family(attributes.font_name.map { String(cString: $0) } ?? ""), size: attributes.font_size))
                }
            }
            node = current.pointee.next
        }
        var insideClaim = [Bool](repeating: false, count: scalars.count)
        for occurrence in occurrences { for i in occurrence.range where i < insideClaim.count { insideClaim[i] = true } }
        var elsewhere: [String: Int] = [:]
        for run in runs {
            var characters = 0
            for i in run.range where i < scalars.count && !insideClaim[i] && !isSpace(scalars[i]) { characters += 1 }
            if characters > 0 { elsewhere[run.family, default: 0] += characters }
        }
        let otherFamilies = elsewhere.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        var sizeOf = [Double](repeating: 0, count: scalars.count)
        for run in runs { for i in run.range where i < sizeOf.count { sizeOf[i] = run.size } }

        return occurrences.compactMap { occurrence in
            // The family and size most of the occurrence's characters are set in.
            var weight: [String: (count: Int, size: Double)] = [:]
            for run in runs {
                let overlap = max(0, min(run.range.upperBound, occurrence.range.upperBound) - max(run.range.lowerBound, occurrence.range.lowerBound))
                if overlap > 0 { weight[run.family, default: (0, run.size)].count += overlap }
            }
            guard let main = weight.max(by: { $0.value.count < $1.value.count }) else { return nil }
            var x1 = Double.infinity, y1 = Double.infinity, x2 = -Double.infinity, y2 = -Double.infinity
            for i in occurrence.range where i < boxes.count && !isSpace(scalars[i]) {
                x1 = min(x1, boxes[i].x1); y1 = min(y1, boxes[i].y1); x2 = max(x2, boxes[i].x2); y2 = max(y2, boxes[i].y2)
            }
            guard x1.isFinite, y1.isFinite else { return nil }
            // The other characters whose middle lies within the value's height: its line.
            var lineSizes = Set<Double>()
            for i in 0..<min(boxes.count, scalars.count) where !insideClaim[i] && !isSpace(scalars[i]) && sizeOf[i] > 0 {
                let middle = (boxes[i].y1 + boxes[i].y2) / 2
                if middle > y1, middle < y2 { lineSizes.insert((sizeOf[i] * 10).rounded() / 10) }
            }
            return ClaimFont(
                claim: occurrence.claim, family: main.key, size: main.value.size,
                area: PageArea(page: number, x: x1, y: y1, width: x2 - x1, height: y2 - y1), otherFamilies: otherFamilies,
                lineSizes: lineSizes.sorted()
            )
        }
    }
}

/// What changed between a PDF's first revision and its last, page by page.
struct RevisionChange: Sendable, Hashable {
    /// How many revisions the file has.
    var revisions: Int
    /// 1-based pages whose text, text positions or images differ.
    var changedPages: [Int]
    /// Lines of text only the first revision has.
    var removed: [String]
    /// Lines of text only the last revision has.
    var added: [String]
}

/// One page's visible content, as far as the revisions comparison looks at it.
struct PageContentPrint: Equatable {
    var text: String
    var boxes: [Double]
    var images: [Double]

    /// Reads the page's text, the boxes of its characters (rounded to a tenth of a point) and
    /// its images' places. Under ``PopplerReader/lock`` only.
    init(page: OpaquePointer, text knownText: String? = nil) {
        if let knownText {
            text = knownText
        } else if let raw = poppler_page_get_text(page) {
            text = String(cString: raw)
            g_free(raw)
        } else {
            text = ""
        }
        boxes = []
        var rectangles: UnsafeMutablePointer<PopplerRectangle>?
        var count: guint = 0
        if poppler_page_get_text_layout(page, &rectangles, &count) != 0, let rectangles {
            boxes.reserveCapacity(Int(count) * 2)
            for i in 0..<Int(count) {
                boxes.append((rectangles[i].x1 * 10).rounded())
                boxes.append((rectangles[i].y2 * 10).rounded())
            }
            g_free(rectangles)
        }
        images = []
        if let mapping = poppler_page_get_image_mapping(page) {
            var node: UnsafeMutablePointer<GList>? = mapping
            while let current = node {
                if let data = current.pointee.data {
                    let area = data.assumingMemoryBound(to: PopplerImageMapping.self).pointee.area
                    images += [area.x1, area.y1, area.x2, area.y2].map { ($0 * 10).rounded() }
                }
                node = current.pointee.next
            }
            poppler_page_free_image_mapping(mapping)
        }
    }
}

/// Line differences between two texts: the lines only the first has and the lines only the
/// second has, by longest common subsequence (pages are short; the table is capped).
enum TextDifference {
    static let maxLines = 400
    static let maxReported = 20
    static let maxLineLength = 200

    static func lines(removedFrom old: String, addedIn new: String) -> (removed: [String], added: [String]) {
        func split(_ text: String) -> [String] {
            text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.prefix(maxLines).map { $0 }
        }
        let a = split(old), b = split(new)
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var removed: [String] = [], added: [String] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                i += 1; j += 1
            } else if j < b.count, i == a.count || table[i][j + 1] >= table[i + 1][j] {
                added.append(b[j]); j += 1
            } else {
                removed.append(a[i]); i += 1
            }
        }
        func cap(_ lines: [String]) -> [String] { lines.prefix(maxReported).map { String($0.prefix(maxLineLength)) } }
        return (cap(removed), cap(added))
    }
}

/// Whether the words of a page can be seen on its drawing.
enum InkCheck {
    /// A word whose box shows less contrast than this (0–255 luminance) shows nothing.
    static let minimumContrast = 24.0

    /// The words whose box, on `surface` (the page drawn at `scale` pixels per point), is one
    /// flat colour: text that is in the file but not on the page.
    static func invisibleWords(_ words: [PlacedWord], on surface: RasterSurface, scale: Double) -> [HiddenText] {
        words.compactMap { word in
            // The middle of the box: glyphs fill it, and its edges may touch a neighbour's ink.
            let area = word.area
            let x0 = Int(((area.x + area.width * 0.1) * scale).rounded(.down)), x1 = Int(((area.x + area.width * 0.9) * scale).rounded(.up))
            let y0 = Int(((area.y + area.height * 0.2) * scale).rounded(.down)), y1 = Int(((area.y + area.height * 0.8) * scale).rounded(.up))
            guard x1 > x0, y1 > y0, let contrast = surface.contrast(x: x0..<x1, y: y0..<y1), contrast < minimumContrast else { return nil }
            return HiddenText(text: word.text, area: area, cause: .notVisible)
        }
    }
}
