import Drawing

/// Current printout ("Aktueller Ausdruck") of Handelsregister B at the Amtsgericht München for
/// the fictional Brücken Netzwerke GmbH.
enum GermanHandelsregister {
    static let metadata = PDFMetadata(
        title: "Handelsregister B des Amtsgerichts München - HRB 123456",
        author: "Amtsgericht München - Registergericht",
        subject: "Aktueller Ausdruck, Brücken Netzwerke GmbH",
        creator: "Paperwork sample maker",
        creationDate: "2024-03-15T10:42:00+01:00"
    )

    static func pdf() throws -> [UInt8] {
        let canvas = try PDFCanvas(pageSize: .a4, metadata: metadata)
        let page = canvas.pageSize
        let ink = Color(hex: 0x101010)
        let margin = 62.0
        let right = page.width - margin
        let font = FontFamily.sans

        // Header block, as on the register portal printouts.
        canvas.text("Handelsregister B des\nAmtsgerichts München", at: Point(x: margin, y: 52), font: font, size: 11, weight: .bold, color: ink)
        canvas.text("Abteilung B\nNummer der Firma: HRB 123456", at: Point(x: right, y: 52), font: font, size: 11, weight: .bold, color: ink, alignment: .right)
        canvas.text("Abteilung B, Nummer der Firma: HRB 123456", at: Point(x: margin, y: 86), font: font, size: 8.5, color: ink)
        canvas.text("Seite 1 von 1", at: Point(x: right, y: 86), font: font, size: 8.5, color: ink, alignment: .right)
        canvas.text("Ausdruck Abruf vom 15.03.2024 10:42", at: Point(x: margin, y: 100), font: font, size: 8.5, color: ink)
        canvas.line(from: Point(x: margin, y: 118), to: Point(x: right, y: 118), stroke: Stroke(color: ink, width: 1.2))
        canvas.text("Aktueller Ausdruck", at: Point(x: page.width / 2, y: 128), font: font, size: 15, weight: .bold, color: ink, alignment: .center)
        canvas.text("Wiedergabe des aktuellen Registerinhalts", at: Point(x: page.width / 2, y: 149), font: font, size: 9, color: ink, alignment: .center)

        var y = 180.0
        let numberWidth = 22.0
        let labelWidth = 150.0
        let valueX = margin + numberWidth + labelWidth
        let valueWidth = right - valueX
        let entries: [(String, [(String, String)])] = [
            ("1.", [("Anzahl der bisherigen Eintragungen:", "4")]),
            ("2.", [
                ("a) Firma:", "Brücken Netzwerke GmbH"),
                ("b) Sitz, Niederlassung, inländische Geschäftsanschrift, empfangsberechtigte Person, Zweigniederlassungen:", "Sitz München\nGeschäftsanschrift: Leopoldstraße 42, 80802 München"),
                ("c) Gegenstand des Unternehmens:", "Der Betrieb von Telekommunikationsnetzen und Internet-Austauschpunkten, die Bereitstellung von Zusammenschaltungs-, Transit- und Peering-Diensten, die Vermietung von Flächen in Rechenzentren sowie die Beratung auf dem Gebiet der Netzwerktechnik."),
            ]),
            ("3.", [("Grund- oder Stammkapital:", "25.000,00 EUR")]),
            ("4.", [
                ("a) Allgemeine Vertretungsregelung:", "Ist nur ein Geschäftsführer bestellt, so vertritt er die Gesellschaft allein. Sind mehrere Geschäftsführer bestellt, so wird die Gesellschaft durch zwei Geschäftsführer oder durch einen Geschäftsführer gemeinsam mit einem Prokuristen vertreten."),
                ("b) Vorstand, Leitungsorgan, geschäftsführende Direktoren, persönlich haftende Gesellschafter, Geschäftsführer, Vertretungsberechtigte und besondere Vertretungsbefugnis:", "Geschäftsführer: Weißhäupl, Jürgen, München, *12.05.1978, einzelvertretungsberechtigt; mit der Befugnis, im Namen der Gesellschaft mit sich im eigenen Namen oder als Vertreter eines Dritten Rechtsgeschäfte abzuschließen.\nGeschäftsführerin: Öztürk, Lärke, Grünwald, *30.01.1986"),
            ]),
            ("5.", [("Prokura:", "Gesamtprokura gemeinsam mit einem Geschäftsführer: Straßer, Günther, Augsburg, *07.09.1972")]),
            ("6.", [
                ("a) Rechtsform, Beginn, Satzung oder Gesellschaftsvertrag:", "Gesellschaft mit beschränkter Haftung\nGesellschaftsvertrag vom 10.01.2020, zuletzt geändert durch Beschluss vom 03.02.2023"),
                ("b) Sonstige Rechtsverhältnisse:", "—"),
            ]),
            ("7.", [
                ("a) Tag der letzten Eintragung:", "14.02.2023"),
            ]),
        ]
        for (number, rows) in entries {
            canvas.text(number, at: Point(x: margin, y: y), font: font, size: 9, weight: .bold, color: ink)
            for (label, value) in rows {
                let labelHeight = canvas.text(label, at: Point(x: margin + numberWidth, y: y), width: labelWidth - 10, font: font, size: 8.5, color: ink).height
                let valueHeight = canvas.text(value, at: Point(x: valueX, y: y), width: valueWidth, font: font, size: 9, weight: label.hasPrefix("a) Firma") ? .bold : .regular, color: ink, lineSpacing: 1.05).height
                y += max(labelHeight, valueHeight) + 7
            }
            canvas.line(from: Point(x: margin, y: y - 2), to: Point(x: right, y: y - 2), stroke: Stroke(color: .gray(0.7), width: 0.4, dash: [2, 2]))
            y += 6
        }

        y += 8
        canvas.text(
            "Dieser Ausdruck gibt den aktuellen Registerinhalt wieder. Er wird nicht unterschrieben und gilt als beglaubigter Ausdruck nur, wenn er mit einem Dienstsiegel versehen ist.",
            at: Point(x: margin, y: y), width: right - margin, font: font, size: 8, italic: true, color: .gray(0.3)
        )
        // Court stamp.
        Ornaments.seal(on: canvas, center: Point(x: right - 70, y: min(y + 80, page.height - 118)), radius: 42, top: "AMTSGERICHT MÜNCHEN", bottom: "REGISTERGERICHT", middle: nil, color: Color(hex: 0x2D4A8A).withAlpha(0.85), font: font)
        canvas.text("München, 15.03.2024", at: Point(x: margin, y: y + 56), font: font, size: 9, color: ink)
        canvas.text("Amtsgericht München – Registergericht –", at: Point(x: margin, y: y + 70), font: font, size: 9, color: ink)

        canvas.line(from: Point(x: margin, y: page.height - 60), to: Point(x: right, y: page.height - 60), stroke: Stroke(color: ink, width: 0.5))
        canvas.text("Amtsgericht München, HRB 123456, Ausdruck vom 15.03.2024 10:42, Abruf-Nr. 2024031510420815", at: Point(x: margin, y: page.height - 54), font: font, size: 7, color: ink)
        canvas.text("Muster, erzeugt vom Paperwork-Beispielgenerator – fiktive Gesellschaft", at: Point(x: right, y: page.height - 42), font: font, size: 6, color: .gray(0.5), alignment: .right)
        return try canvas.finish()
    }
}
