import Drawing

/// Extrait Kbis from the Greffe du Tribunal de Commerce de Paris, two pages, for the fictional
/// SOCIÉTÉ DES RÉSEAUX DU LÉMAN (S.A.S.).
enum FrenchKbis {
    /// What changes from one issue of the extract to another: the SIREN and the day it is
    /// "à jour au". The genuine sample has a valid SIREN (Luhn) and is dated 15 March 2024.
    struct Edition {
        var siren = "912 345 675"
        var longDate = "15 mars 2024"
        var shortDate = "15/03/2024"
        var isoDate = "2024-03-15"

        /// The same extract with a SIREN whose check digit is wrong.
        static let wrongCheckDigit = Edition(siren: "912 345 678")
        /// The same extract, issued three years earlier.
        static let threeYearsOld = Edition(longDate: "15 mars 2021", shortDate: "15/03/2021", isoDate: "2021-03-15")
    }

    static func metadata(_ edition: Edition) -> PDFMetadata {
        PDFMetadata(
            title: "Extrait Kbis - SOCIÉTÉ DES RÉSEAUX DU LÉMAN",
            author: "Greffe du Tribunal de Commerce de Paris",
            subject: "Extrait d'immatriculation principale au RCS, \(edition.siren) R.C.S. Paris",
            creator: "Paperwork sample maker",
            creationDate: "\(edition.isoDate)T10:42:13+01:00"
        )
    }

    static let blue = Color(hex: 0x1F3C88)
    static let ink = Color(hex: 0x111111)
    static let margin = 56.0
    static let labelWidth = 190.0

    static func pdf(_ edition: Edition = Edition()) throws -> [UInt8] {
        let canvas = try PDFCanvas(pageSize: .a4, metadata: metadata(edition))
        let page = canvas.pageSize
        let valueWidth = page.width - 2 * margin - labelWidth

        background(on: canvas, pageNumber: 1)
        // Letterhead: emblem, court, address, verification code.
        emblem(on: canvas, center: Point(x: margin + 26, y: 78))
        canvas.text("Greffe du Tribunal de Commerce de Paris", at: Point(x: margin + 62, y: 58), font: FontFamily.sans, size: 13, weight: .bold, color: blue)
        canvas.text("1, quai de la Corse\n75198 PARIS CEDEX 04", at: Point(x: margin + 62, y: 77), font: FontFamily.sans, size: 8.5, color: ink)
        canvas.text("Code de vérification : XkT4pQ9sLm\nhttps://www.infogreffe.fr/controle", at: Point(x: page.width - margin, y: 60), font: FontFamily.sans, size: 7.5, color: ink, alignment: .right)
        canvas.text("N° de gestion 2019B18734", at: Point(x: page.width - margin, y: 88), font: FontFamily.sans, size: 7.5, color: ink, alignment: .right)

        var y = 130.0
        canvas.rectangle(Rect(x: margin, y: y, width: page.width - 2 * margin, height: 46), stroke: Stroke(color: blue, width: 1), fill: blue.withAlpha(0.06))
        canvas.text("Extrait Kbis", at: Point(x: page.width / 2, y: y + 5), font: FontFamily.sans, size: 16, weight: .bold, color: blue, alignment: .center)
        canvas.text(
            "EXTRAIT D'IMMATRICULATION PRINCIPALE AU REGISTRE DU COMMERCE ET DES SOCIÉTÉS\nà jour au \(edition.longDate)",
            at: Point(x: page.width / 2, y: y + 24), font: FontFamily.sans, size: 7.5, color: ink, alignment: .center
        )
        y += 62

        y = section("IDENTIFICATION DE LA PERSONNE MORALE", on: canvas, y: y)
        let identification: [(String, String)] = [
            ("Immatriculation au RCS, numéro", "\(edition.siren) R.C.S. Paris"),
            ("Date d'immatriculation", "02/09/2019"),
            ("Dénomination ou raison sociale", "SOCIÉTÉ DES RÉSEAUX DU LÉMAN"),
            ("Sigle", "SRL"),
            ("Forme juridique", "Société par actions simplifiée (S.A.S.)"),
            ("Capital social", "150 000,00 Euros"),
            ("Adresse du siège", "18 rue de l'Échiquier 75010 Paris"),
            ("Activités principales", "Exploitation de réseaux de télécommunications, fourniture de services d'interconnexion, d'hébergement de points d'échange Internet et de transit IP ; conseil et ingénierie réseau."),
            ("Durée de la personne morale", "Jusqu'au 01/09/2118"),
            ("Date de clôture de l'exercice social", "31 décembre"),
            ("Date de clôture du 1er exercice social", "31/12/2020"),
        ]
        for (label, value) in identification {
            y += Ornaments.field(on: canvas, label: label, value: value, x: margin + 6, y: y, labelWidth: labelWidth, valueWidth: valueWidth, size: 8.8) + 5
        }
        y += 8

        y = section("GESTION, DIRECTION, ADMINISTRATION, CONTRÔLE, ASSOCIÉS OU MEMBRES", on: canvas, y: y)
        let officers: [[(String, String)]] = [
            [
                ("Président", ""),
                ("Nom, prénoms", "FONTAINE Hélène Marie Josèphe"),
                ("Date et lieu de naissance", "Le 14/06/1981 à Annecy (74)"),
                ("Nationalité", "Française"),
                ("Domicile personnel", "7 avenue d'Évian 74200 Thonon-les-Bains"),
            ],
            [
                ("Directeur général", ""),
                ("Nom, prénoms", "MÜLLER-GARÇON François Xavier"),
                ("Date et lieu de naissance", "Le 03/11/1976 à Genève (Suisse)"),
                ("Nationalité", "Française"),
                ("Domicile personnel", "22 quai Gustave-Ador 1207 Genève (Suisse)"),
            ],
            [
                ("Commissaire aux comptes titulaire", ""),
                ("Dénomination", "AUDIT & CONSEIL DE L'ÉTOILE"),
                ("Adresse", "5 place de l'Étoile 75008 Paris"),
                ("Immatriculation au RCS, numéro", "487 654 321 R.C.S. Paris"),
            ],
        ]
        for group in officers {
            for (index, (label, value)) in group.enumerated() {
                if index == 0 {
                    y += canvas.text(label, at: Point(x: margin + 6, y: y), font: FontFamily.sans, size: 8.8, weight: .bold, color: blue).height + 3
                } else {
                    y += Ornaments.field(on: canvas, label: label, value: value, x: margin + 16, y: y, labelWidth: labelWidth - 10, valueWidth: valueWidth, size: 8.8) + 3
                }
            }
            y += 7
        }
        footer(on: canvas, pageNumber: 1, edition: edition)

        // Page 2: activity and principal establishment, observations, end of extract.
        canvas.newPage()
        background(on: canvas, pageNumber: 2)
        y = 60
        canvas.text("\(edition.siren) R.C.S. Paris — SOCIÉTÉ DES RÉSEAUX DU LÉMAN (suite)", at: Point(x: margin, y: y), font: FontFamily.sans, size: 8, color: .gray(0.35))
        y += 26
        y = section("RENSEIGNEMENTS RELATIFS À L'ACTIVITÉ ET À L'ÉTABLISSEMENT PRINCIPAL", on: canvas, y: y)
        canvas.text("Renseignements relatifs à l'activité et à l'établissement principal", at: Point(x: margin + 6, y: y), font: FontFamily.sans, size: 8.8, italic: true, color: ink)
        y += 18
        let activity: [(String, String)] = [
            ("Adresse de l'établissement", "18 rue de l'Échiquier 75010 Paris"),
            ("Activité(s) exercée(s)", "Exploitation de réseaux de télécommunications et de points d'échange Internet, colocation et interconnexion d'opérateurs, services de transit IP et de peering, conseil en architecture réseau."),
            ("Date de commencement d'activité", "02/09/2019"),
            ("Origine du fonds ou de l'activité", "Création"),
            ("Mode d'exploitation", "Exploitation directe"),
        ]
        for (label, value) in activity {
            y += Ornaments.field(on: canvas, label: label, value: value, x: margin + 6, y: y, labelWidth: labelWidth, valueWidth: valueWidth, size: 8.8) + 5
        }
        y += 8
        y = section("IMMATRICULATIONS HORS RESSORT", on: canvas, y: y)
        y += Ornaments.field(on: canvas, label: "Établissement secondaire", value: "R.C.S. Thonon-les-Bains — 4 rue du Port 74200 Thonon-les-Bains", x: margin + 6, y: y, labelWidth: labelWidth, valueWidth: valueWidth, size: 8.8) + 13
        y = section("OBSERVATIONS ET RENSEIGNEMENTS COMPLÉMENTAIRES", on: canvas, y: y)
        for note in [
            "Mention n° 41872 du 12/01/2022 : Modification du capital social. Ancien capital : 50 000,00 Euros.",
            "Mention n° 52310 du 07/03/2023 : Nomination du Directeur général : MÜLLER-GARÇON François Xavier.",
            "Société soumise au régime de l'article L. 227-1 du Code de commerce.",
        ] {
            y += canvas.text(note, at: Point(x: margin + 6, y: y), width: page.width - 2 * margin - 12, font: FontFamily.sans, size: 8.8, color: ink).height + 5
        }
        y += 30
        canvas.text("Le Greffier", at: Point(x: page.width - margin - 100, y: y), font: FontFamily.sans, size: 9.5, weight: .bold, color: ink, alignment: .center)
        Ornaments.seal(
            on: canvas, center: Point(x: page.width - margin - 250, y: y + 60), radius: 44,
            top: "GREFFE DU TRIBUNAL", bottom: "DE COMMERCE DE PARIS", middle: "RCS", color: blue.withAlpha(0.85), font: FontFamily.sans
        )
        Ornaments.signature(on: canvas, origin: Point(x: page.width - margin - 160, y: y + 50), width: 120, seed: 0x6EFF1E42)
        y += 150
        canvas.text("FIN DE L'EXTRAIT", at: Point(x: page.width / 2, y: y), font: FontFamily.sans, size: 11, weight: .bold, color: ink, alignment: .center, letterSpacing: 1.5)
        canvas.text("Fin de l'extrait", at: Point(x: page.width / 2, y: y + 16), font: FontFamily.sans, size: 8, italic: true, color: .gray(0.4), alignment: .center)
        footer(on: canvas, pageNumber: 2, edition: edition)
        return try canvas.finish()
    }

    /// Faint rosette watermark like the greffe's security background.
    private static func background(on canvas: Canvas, pageNumber: Int) {
        let page = canvas.pageSize
        let center = Point(x: page.width / 2, y: page.height / 2 + 40)
        Ornaments.rosette(on: canvas, center: center, radius: 170, lobes: 30, loops: 8, color: blue.withAlpha(0.09), width: 0.35, depth: 0.08)
        Ornaments.rosette(on: canvas, center: center, radius: 120, lobes: 22, loops: 6, color: blue.withAlpha(0.07), width: 0.35, depth: 0.1)
        canvas.rectangle(Rect(x: 36, y: 36, width: page.width - 72, height: page.height - 72), stroke: Stroke(color: blue.withAlpha(0.5), width: 0.5))
    }

    /// A Marianne-free emblem: scales of justice in a circle.
    private static func emblem(on canvas: Canvas, center: Point) {
        canvas.circle(center: center, radius: 24, stroke: Stroke(color: blue, width: 1.4))
        canvas.line(from: Point(x: center.x, y: center.y - 15), to: Point(x: center.x, y: center.y + 14), stroke: Stroke(color: blue, width: 1.4))
        canvas.line(from: Point(x: center.x - 14, y: center.y - 10), to: Point(x: center.x + 14, y: center.y - 10), stroke: Stroke(color: blue, width: 1.4))
        canvas.rectangle(Rect(x: center.x - 7, y: center.y + 13, width: 14, height: 3), fill: blue)
        for side in [-1.0, 1.0] {
            let hang = Point(x: center.x + side * 14, y: center.y - 10)
            canvas.polygon([hang, Point(x: hang.x - 6, y: hang.y + 12), Point(x: hang.x + 6, y: hang.y + 12)], closed: false, stroke: Stroke(color: blue, width: 0.6))
            canvas.polygon([Point(x: hang.x - 7, y: hang.y + 12), Point(x: hang.x + 7, y: hang.y + 12), Point(x: hang.x + 4, y: hang.y + 15), Point(x: hang.x - 4, y: hang.y + 15)], fill: blue)
        }
    }

    private static func section(_ title: String, on canvas: Canvas, y: Double) -> Double {
        let width = canvas.pageSize.width - 2 * margin
        canvas.rectangle(Rect(x: margin, y: y, width: width, height: 16), fill: blue.withAlpha(0.12))
        canvas.text(title, at: Point(x: margin + 6, y: y + 2.5), font: FontFamily.sans, size: 8.5, weight: .bold, color: blue)
        return y + 24
    }

    private static func footer(on canvas: Canvas, pageNumber: Int, edition: Edition) {
        let page = canvas.pageSize
        canvas.line(from: Point(x: margin, y: page.height - 62), to: Point(x: page.width - margin, y: page.height - 62), stroke: Stroke(color: .gray(0.6), width: 0.4))
        canvas.text("R.C.S. Paris - \(edition.shortDate) - 10:42:13", at: Point(x: margin, y: page.height - 56), font: FontFamily.sans, size: 7.5, color: ink)
        canvas.text("page \(pageNumber)/2", at: Point(x: page.width - margin, y: page.height - 56), font: FontFamily.sans, size: 7.5, color: ink, alignment: .right)
        canvas.text("Spécimen dessiné par le générateur d'échantillons Paperwork — société fictive", at: Point(x: page.width / 2, y: page.height - 44), font: FontFamily.sans, size: 6, color: .gray(0.5), alignment: .center)
    }
}
