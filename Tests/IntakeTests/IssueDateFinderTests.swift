import Foundation
import Testing
@testable import Intake

/// Page texts as the service extracts them (poppler_page_get_text) from the certificates in
/// `samples/`, one string a page: labels glued to their values ("Incorporation Date:08/04/2019"),
/// seals and stamps broken into stray letters, every date the certificate prints.
private enum SamplePages {
    static let kbis = [
        """
        Greffe du Tribunal de Commerce de Paris
        1, quai de la Corse
        75198 PARIS CEDEX 04
        Code de vérification : XkT4pQ9sLm
        https://www.infogreffe.fr/controle
        N° de gestion 2019B18734
        Extrait Kbis
        EXTRAIT D'IMMATRICULATION PRINCIPALE AU REGISTRE DU COMMERCE ET DES SOCIÉTÉS
        à jour au 15 mars 2024
        IDENTIFICATION DE LA PERSONNE MORALE
        Immatriculation au RCS, numéro912 345 675 R.C.S. Paris
        Date d'immatriculation02/09/2019
        Dénomination ou raison socialeSOCIÉTÉ DES RÉSEAUX DU LÉMAN
        SigleSRL
        Forme juridiqueSociété par actions simplifiée (S.A.S.)
        Capital social150 000,00 Euros
        Adresse du siège18 rue de l'Échiquier 75010 Paris
        Activités principalesExploitation de réseaux de télécommunications, fourniture de
        services d'interconnexion, d'hébergement de points d'échange
        Internet et de transit IP ; conseil et ingénierie réseau.
        Durée de la personne moraleJusqu'au 01/09/2118
        Date de clôture de l'exercice social31 décembre
        Date de clôture du 1er exercice social31/12/2020
        GESTION, DIRECTION, ADMINISTRATION, CONTRÔLE, ASSOCIÉS OU MEMBRES
        Président
        Nom, prénomsFONTAINE Hélène Marie Josèphe
        Date et lieu de naissanceLe 14/06/1981 à Annecy (74)
        NationalitéFrançaise
        Domicile personnel7 avenue d'Évian 74200 Thonon-les-Bains
        Directeur général
        Nom, prénoms
        MÜLLER-GARÇON François Xavier
        Date et lieu de naissanceLe 03/11/1976 à Genève (Suisse)
        NationalitéFrançaise
        Domicile personnel22 quai Gustave-Ador 1207 Genève (Suisse)
        Commissaire aux comptes titulaire
        DénominationAUDIT & CONSEIL DE L'ÉTOILE
        Adresse5 place de l'Étoile 75008 Paris
        Immatriculation au RCS, numéro487 654 321 R.C.S. Paris
        R.C.S. Paris - 15/03/2024 - 10:42:13
        page 1/2
        Spécimen dessiné par le générateur d'échantillons Paperwork — société fictive
        """,
        """
        912 345 675 R.C.S. Paris — SOCIÉTÉ DES RÉSEAUX DU LÉMAN (suite)
        RENSEIGNEMENTS RELATIFS À L'ACTIVITÉ ET À L'ÉTABLISSEMENT PRINCIPAL
        Renseignements relatifs à l'activité et à l'établissement principal
        Adresse de l'établissement18 rue de l'Échiquier 75010 Paris
        Activité(s) exercée(s)Exploitation de réseaux de télécommunications et de points
        d'échange Internet, colocation et interconnexion d'opérateurs,
        services de transit IP et de peering, conseil en architecture réseau.
        Date de commencement d'activité02/09/2019
        Origine du fonds ou de l'activitéCréation
        Mode d'exploitationExploitation directe
        IMMATRICULATIONS HORS RESSORT
        Établissement secondaire
        R.C.S. Thonon-les-Bains — 4 rue du Port 74200 Thonon-les-Bains
        OBSERVATIONS ET RENSEIGNEMENTS COMPLÉMENTAIRES
        Mention n° 41872 du 12/01/2022 : Modification du capital social. Ancien capital : 50 000,00 Euros.
        Mention n° 52310 du 07/03/2023 : Nomination du Directeur général : MÜLLER-GARÇON François Xavier.
        Société soumise au régime de l'article L. 227-1 du Code de commerce.
        EF
        FE
        DU TRI BU
        N
        AL
        GR
        Le Greffier
        DE
        RI
        S
        RCS
        CO
        PA
        MM
        E RCE DE
        F I N D E L' E X T R A I T
        Fin de l'extrait
        R.C.S. Paris - 15/03/2024 - 10:42:13
        page 2/2
        Spécimen dessiné par le générateur d'échantillons Paperwork — société fictive
        """,
    ]

    static let handelsregister = [
        """
        Handelsregister B des
        Amtsgerichts München
        Abteilung B
        Nummer der Firma: HRB 123456
        Abteilung B, Nummer der Firma: HRB 123456
        Seite 1 von 1
        Ausdruck Abruf vom 15.03.2024 10:42
        Aktueller Ausdruck
        Wiedergabe des aktuellen Registerinhalts
        1.Anzahl der bisherigen
        Eintragungen:4
        2.a) Firma:Brücken Netzwerke GmbH
        b) Sitz, Niederlassung, inländische
        Geschäftsanschrift,
        empfangsberechtigte Person,
        Zweigniederlassungen:Sitz München
        Geschäftsanschrift: Leopoldstraße 42, 80802 München
        c) Gegenstand des Unternehmens:Der Betrieb von Telekommunikationsnetzen und Internet-
        Austauschpunkten, die Bereitstellung von Zusammenschaltungs-,
        Transit- und Peering-Diensten, die Vermietung von Flächen in
        Rechenzentren sowie die Beratung auf dem Gebiet der
        Netzwerktechnik.
        3.Grund- oder Stammkapital:25.000,00 EUR
        4.a) Allgemeine Vertretungsregelung:Ist nur ein Geschäftsführer bestellt, so vertritt er die Gesellschaft allein.
        Sind mehrere Geschäftsführer bestellt, so wird die Gesellschaft durch
        zwei Geschäftsführer oder durch einen Geschäftsführer gemeinsam
        mit einem Prokuristen vertreten.
        b) Vorstand, Leitungsorgan,
        geschäftsführende Direktoren,
        persönlich haftende Gesellschafter,
        Geschäftsführer,
        Vertretungsberechtigte und
        besondere Vertretungsbefugnis:Geschäftsführer: Weißhäupl, Jürgen, München, *12.05.1978,
        einzelvertretungsberechtigt; mit der Befugnis, im Namen der
        Gesellschaft mit sich im eigenen Namen oder als Vertreter eines Dritten
        Rechtsgeschäfte abzuschließen.
        Geschäftsführerin: Öztürk, Lärke, Grünwald, *30.01.1986
        5.Prokura:Gesamtprokura gemeinsam mit einem Geschäftsführer: Straßer,
        Günther, Augsburg, *07.09.1972
        6.a) Rechtsform, Beginn, Satzung
        oder Gesellschaftsvertrag:Gesellschaft mit beschränkter Haftung
        Gesellschaftsvertrag vom 10.01.2020, zuletzt geändert durch Beschluss
        vom 03.02.2023
        b) Sonstige Rechtsverhältnisse:—
        a) Tag der letzten Eintragung:14.02.2023
        7.
        N
        N
        AM
        T
        GE
        E
        CH
        S
        Dieser Ausdruck gibt den aktuellen Registerinhalt wieder. Er wird nicht unterschrieben und gilt als beglaubigter Ausdruck nur,
        wenn er mit einem Dienstsiegel versehen ist.
        T
        RICH MÜ
        München, 15.03.2024
        RE
        G
        Amtsgericht München – Registergericht –
        T
        IST E E RICH
        RG
        Amtsgericht München, HRB 123456, Ausdruck vom 15.03.2024 10:42, Abruf-Nr. 2024031510420815
        Muster, erzeugt vom Paperwork-Beispielgenerator – fiktive Gesellschaft
        """,
    ]

    static let acraProfile = [
        """
        A
        ACCOUNTING AND CORPORATE
        REGULATORY AUTHORITY
        bizfile
        10 Anson Road, #05-01/15 International Plaza, Singapore 079903
        Business Profile (Company)
        Date: 15 Mar 2024
        Receipt No.: ACRA240315104200081
        Company Details
        Registration No.:201912345R
        Company Name:STRAITS INTERCONNECT PTE. LTD.
        Former Name if any:-
        Incorporation Date:08/04/2019
        Company Type:EXEMPT PRIVATE COMPANY LIMITED BY SHARES
        Status:Live Company
        Status Date:08/04/2019
        Principal Activities:(1) 61101 FACILITIES-BASED TELECOMMUNICATIONS NETWORK
        OPERATORS
        (2) 63111 DATA CENTRES, HOSTING AND RELATED SERVICES
        Registered Office Address:1 RAFFLES PLACE
        #20-61
        ONE RAFFLES PLACE
        SINGAPORE 048616
        Date of Address:08/04/2019
        Date of Last AGM:28/06/2023
        Date of Last AR:12/07/2023
        FYE As At Date of Last AR:31/12/2022
        Paid-Up Capital
        AmountNumber of SharesCurrencyShare Type
        1,000,000.001,000,000SINGAPORE, DOLLARSORDINARY
        AmountNumber of SharesCurrencyShare Type
        1,000,000.001,000,000SINGAPORE, DOLLARSORDINARY
        Issued Share Capital
        Business Profile (Company) · 201912345R · Receipt No. ACRA240315104200081
        Specimen drawn by the Paperwork sample maker · fictional company
        Page 1 of 2
        """,
        """
        A
        ACCOUNTING AND CORPORATE
        REGULATORY AUTHORITY
        bizfile
        10 Anson Road, #05-01/15 International Plaza, Singapore 079903
        STRAITS INTERCONNECT PTE. LTD. (201912345R) — continued
        Officers/Authorised Representative(s)
        NameIDNationalityAddressPosition HeldDate of
        Appointment
        TAN WEI MINGS7812345DSINGAPORE
        CITIZEN12 MARINE PARADE ROAD #08-03
        SINGAPORE 449298DIRECTOR08/04/2019
        PRIYA RAMASWAMYS8523456FSINGAPORE
        CITIZEN45 HOLLAND GROVE VIEW
        SINGAPORE 276291DIRECTOR15/01/2021
        LIM HUI LINGS8034567ASINGAPORE
        CITIZEN88 TANJONG PAGAR ROAD #15-02
        SINGAPORE 088509SECRETARY08/04/2019
        Shareholder(s)
        NameIDNationality / Place of
        OriginNo. of SharesCurrency
        STRAITS INTERCONNECT HOLDINGS
        PTE. LTD.201811111MSINGAPORE600,000
        ORDINARYSINGAPORE, DOLLARS
        TAN WEI MINGS7812345DSINGAPORE CITIZEN400,000
        ORDINARYSINGAPORE, DOLLARS
        Audit Firms
        MERLION ASSURANCE LLP
        Charges
        No charges found.
        AR
        TR
        OF COM
        P
        A
        RE G
        ES
        NI
        IS
        This Business Profile contains the information extracted from the records of the Registrar kept under the Companies Act 1967 as at the date and time of
        issue. The Registrar does not warrant the accuracy of information lodged by the company.
        ACRA
        REGISTRAR OF COMPANIES
        ACCOUNTING AND CORPORATE REGULATORY AUTHORITY
        SINGAPORE
        SIN
        G A PORE
        E ND OF B U S I NE S S P R OF I L E
        Business Profile (Company) · 201912345R · Receipt No. ACRA240315104200081
        Specimen drawn by the Paperwork sample maker · fictional company
        Page 2 of 2
        """,
    ]

    static let ukCertificate = [
        """
        CERTIFICATE OF INCORPORATION
        OF A
        PRIVATE LIMITED COMPANY
        Company Number 12345678
        The Registrar of Companies for England and Wales, hereby certifies that
        NORTHWIND CONNECT LIMITED
        is this day incorporated under the Companies Act 2006 as a private
        company, that the company is limited by shares, and the situation of its
        registered office is in England and Wales.
        E
        TH
        TH
        E
        AL SEAL
        IC I
        O
        FF
        F
        O
        Given at Companies House, Cardiff, on 15th March 2024.
        IE
        S
        GI
        RE
        Registrar of Companies
        for England and Wales
        N
        ST
        RA
        PA
        R OF COM
        * N1 2 3 4 5 6 7 8 Q *
        The above information was communicated by electronic means and authenticated by the Registrar of Companies
        under section 1115 of the Companies Act 2006
        Specimen drawn by the Paperwork sample maker · fictional company · Document reference IN01-12345678-20240315
        """,
    ]

    static let hongKongCertificate = [
        """
        編號 Company No. 3123456
        公司註冊處
        C O M PA N IE S RE G IS T RY
        公司註冊證明書
        C ERTIFIC ATE O F IN C O RPO RATIO N
        本人謹此證明
        I hereby certify that
        HARBOUR PEERING LIMITED
        港灣互聯有限公司
        於本日根據香港法例第622章《公司條例》在香港註冊成為一間有限公司。
        is this day incorporated in Hong Kong under the Companies Ordinance (Chapter 622
        of the Laws of Hong Kong), and that this company is limited.
        本證書於二〇二四年三月十五日發出。
        PA
        M
        NIES REGI
        S
        Y
        TR
        CO
        Issued on 15 March 2024.
        註冊處
        HO
        NG
        K
        ONG
        香港特別行政區公司註冊處處長
        Registrar of Companies
        Hong Kong Special Administrative Region
        註：公司註冊處就公司名稱所作的註冊，並不代表獲授予該公司名稱或其任何部分的商標權或任何其他知識產權。
        Note: Registration of a company name with the Companies Registry does not confer any trade mark rights or any other
        intellectual property rights in respect of the company name or any part thereof.
        樣本 · Specimen drawn by the Paperwork sample maker · fictional company · Ref. CR/NNC1/3123456
        """,
    ]

    static let rirekiJikoZenbu = [
        """
        東京都千代田区大手町一丁目1番1号
        株式会社東京ネットワークス
        履歴事項全部証明書
        会社法人等番号0104-01-123456
        商号株式会社東京ネットワークス
        本店東京都港区芝公園四丁目2番8号
        東京都千代田区大手町一丁目1番1号
        公告をする方法官報に掲載してする。
        会社成立の年月日令和元年５月７日
        目１．電気通信事業法に基づく電気通信事業
        的
        令和３年４月１日移転
        令和３年４月８日登記
        ２．インターネット相互接続点の運営及びインター
        ネット接続サービスの提供
        ３．データセンターの運営及び賃貸
        ４．ネットワーク技術に関するコンサルティング
        ５．前各号に附帯関連する一切の事業
        発行可能株式総数１万株
        発行済株式の総数
        並びに種類及び数発行済株式の総数
        資本金の額金５０００万円
        ２０００株
        令和３年４月１日変更
        令和３年４月８日登記
        金１億円
        株式の譲渡制限
        に関する規定当会社の株式を譲渡により取得するには、取締役会役員に関する事項取締役山田太郎令和元年５月７日就任
        取締役佐藤花子令和元年５月７日就任
        取締役高橋健一令和３年６月２８日就任
        令和３年７月５日登記
        の承認を要する。
        東京都世田谷区桜新町二丁目3番4号
        代表取締役
        監査役
        鈴
        山田太
        木一郎
        郎
        令和元年５月７日就任
        令和元年５月７日就任
        取締役会設置会社
        に関する事項取締役会設置会社令和元年５月７日設定
        監査役設置会社に
        関する事項監査役設置会社令和元年５月７日設定
        整理番号
        ア１２３４５６
        ＊下線のあるものは抹消事項であることを示す。
        見本（Paperwork サンプル生成器による架空の会社）
        1/2
        """,
        """
        東京都千代田区大手町一丁目1番1号
        株式会社東京ネットワークス
        登記記録に関する
        事項
        設立
        令和元年５月７日登記
        これは登記簿に記録されている閉鎖されていない事項の全部であることを証明した書面である。
        （東京法務局管轄）
        令和６年３月１５日
        東京法務局
        整理番号
        ア１２３４５６
        登記官
        法
        務
        ＊下線のあるものは抹消事項であることを示す。
        見本（Paperwork サンプル生成器による架空の会社）
        太
        郎
        記登
        印官
        2/2
        """,
    ]

    static let genzaiJikoZenbu = [
        """
        現在事項全部証明書
        会社法人等番号1200-01-234567
        商号株式会社浪速データリンク
        本店大阪府大阪市北区梅田三丁目3番3号
        公告をする方法官報に掲載してする
        会社成立の年月日令和2年4月1日
        目1電気通信事業
        2データセンターの運営及び管理
        3前各号に附帯する一切の事業
        的
        発行可能株式総数4000株
        発行済株式の総数発行済株式の総数
        資本金の額金1億円
        役員に関する事項取締役
        山田太郎
        代表取締役
        登記記録に関する事項
        1000株
        大阪府大阪市北区梅田一丁目1番1号
        山田太郎
        設立
        令和2年4月1日登記
        これは登記簿に記録されている現在の事項の全部であることを証明した書面である。
        令和6年3月15日
        大阪法務局
        登記官
        大阪
        一郎
        ＊下線のあるものは抹消事項であることを示す。
        整理番号
        見本：Paperworkのサンプル作成ツールが作成した架空の会社です。
        ア123456
        """,
    ]

    static let businessLicence = [
        """
        营业执照
        （副
        本）
        统一社会信用代码91310115MA1H7KQ231
        名称上海云桥数据科技有限公司
        类型有限责任公司（自然人投资或控股）
        法定代表人王明
        经营范围数据中心服务；互联网接入及相关服务；
        网络技术服务；信息系统集成服务。
        （依法须经批准的项目，经相关部门批准后方可开展经营活动）
        注册资本人民币1000万元整
        成立日期2020年06月18日
        营业期限2020年06月18日至长期
        住上海市浦东新区张江路88号
        所
        登记机关
        上海市浦东新区市场监督管理局
        2024年03月15日
        国家企业信用信息公示系统网址：www.gsxt.gov.cn
        市场主体应当于每年1月1日至6月30日通过国家企业信用信息公示系统报送公示年度报告。
        样本：由 Paperwork 样本生成器绘制的虚构公司。
        """,
    ]

    /// The end of the 履歴事項全部証明書's last page as `pdftotext -layout` gives it: the seal's
    /// letters (記登 印官) sit between the date and the registrar.
    static let rirekiClosingLayout = """
        登記記録に関する          設立                                            令和元年５月７日登記
        事項


         これは登記簿に記録されている閉鎖されていない事項の全部であることを証明した書面である。
         （東京法務局管轄）


                 令和６年３月１５日
                                                                        記登
                 東京法務局                 登記官           法   務      太   郎
                                                                        印官




        整理番号   ア１２３４５６   ＊下線のあるものは抹消事項であることを示す。                                  2/2
                               見本（Paperwork サンプル生成器による架空の会社）
        """
}

@Suite("Issue date finder")
struct IssueDateFinderTests {
    /// A date as a certificate prints it, with the day it means.
    struct PrintedDate: CustomTestStringConvertible, Sendable {
        var text: String
        var day: String
        /// What the finder reports as printed, when it differs from `text` (a time after the date).
        var printed: String?
        var testDescription: String { text }

        /// A form and its day.
        init(_ text: String, _ day: String, printed: String? = nil) {
            self.text = text
            self.day = day
            self.printed = printed
        }
    }

    /// Words that anchor a date, in context, with the label the finder reports.
    struct LabelledDate: CustomTestStringConvertible, Sendable {
        var text: String
        var label: String
        var testDescription: String { text }

        /// A text and its label.
        init(_ text: String, _ label: String) {
            self.text = text
            self.label = label
        }
    }

    /// The finder on pages given one by one.
    private func find(_ pages: String...) -> IssueDate? {
        IssueDateFinder.find(inPages: pages)
    }

    /// A day written as ISO 8601, for short expectations.
    private func day(_ iso: String) -> CalendarDay {
        CalendarDay(iso: iso)!
    }

    // MARK: The samples

    @Test("a Kbis is dated by its 'à jour au' line, not by its registration, births or mentions")
    func kbis() {
        #expect(IssueDateFinder.find(inPages: SamplePages.kbis) == IssueDate(day: day("2024-03-15"), page: 1, printed: "15 mars 2024", label: "à jour au"))
    }

    @Test("a Kbis updated three years ago is found with its old date, for document_outdated to flag")
    func oldKbis() {
        let pages = SamplePages.kbis.map { $0.replacingOccurrences(of: "à jour au 15 mars 2024", with: "à jour au 15 mars 2021") }
        #expect(IssueDateFinder.find(inPages: pages)?.day == day("2021-03-15"))
    }

    @Test("a Handelsregister printout is dated by 'Abruf vom', not by the articles or the last entry")
    func handelsregister() {
        #expect(IssueDateFinder.find(inPages: SamplePages.handelsregister) == IssueDate(day: day("2024-03-15"), page: 1, printed: "15.03.2024", label: "Abruf vom"))
    }

    @Test("an ACRA business profile is dated by its 'Date:' line, not by incorporation, AGM or appointment dates")
    func acraProfile() {
        #expect(IssueDateFinder.find(inPages: SamplePages.acraProfile) == IssueDate(day: day("2024-03-15"), page: 1, printed: "15 Mar 2024", label: "Date"))
    }

    @Test("a UK certificate of incorporation is dated by 'Given at … on', the day the registrar gave it")
    func ukCertificate() {
        #expect(IssueDateFinder.find(inPages: SamplePages.ukCertificate) == IssueDate(day: day("2024-03-15"), page: 1, printed: "15th March 2024", label: "Given … on"))
    }

    @Test("a Hong Kong certificate is dated by 本證書於…發出, its year written in kanji digits")
    func hongKongCertificate() {
        #expect(IssueDateFinder.find(inPages: SamplePages.hongKongCertificate) == IssueDate(day: day("2024-03-15"), page: 1, printed: "二〇二四年三月十五日", label: "發出"))
    }

    @Test("a 履歴事項全部証明書 is dated by its certification statement on the last page, not by 会社成立の年月日 or appointments")
    func rirekiJikoZenbu() {
        #expect(IssueDateFinder.find(inPages: SamplePages.rirekiJikoZenbu) == IssueDate(day: day("2024-03-15"), page: 2, printed: "令和６年３月１５日", label: "証明した書面"))
    }

    @Test("a 現在事項全部証明書 is dated by its certification statement")
    func genzaiJikoZenbu() {
        #expect(IssueDateFinder.find(inPages: SamplePages.genzaiJikoZenbu) == IssueDate(day: day("2024-03-15"), page: 1, printed: "令和6年3月15日", label: "証明した書面"))
    }

    @Test("a 营业执照 is dated under its 登记机关, not by 成立日期 or 营业期限")
    func businessLicence() {
        #expect(IssueDateFinder.find(inPages: SamplePages.businessLicence) == IssueDate(day: day("2024-03-15"), page: 1, printed: "2024年03月15日", label: "登记机关"))
    }

    @Test("in pdftotext -layout text, a Japanese certificate's date is found between its statement and its registrar")
    func rirekiLayout() {
        #expect(find(SamplePages.rirekiClosingLayout)?.day == day("2024-03-15"))
        let withoutStatement = SamplePages.rirekiClosingLayout.replacingOccurrences(of: "証明した書面である。", with: "")
        #expect(find(withoutStatement)?.label == "登記官")
    }

    // MARK: Printed forms

    static let forms: [PrintedDate] = [
        // French
        PrintedDate("15 mars 2024", "2024-03-15"),
        PrintedDate("1er avril 2024", "2024-04-01"),
        PrintedDate("1ᵉʳ août 2024", "2024-08-01"),
        PrintedDate("15 DÉCEMBRE 2023", "2023-12-15"),
        PrintedDate("3 fevrier 2024", "2024-02-03"),
        PrintedDate("15/03/2024", "2024-03-15"),
        // English
        PrintedDate("15th March 2024", "2024-03-15"),
        PrintedDate("3rd February 2024", "2024-02-03"),
        PrintedDate("15 March 2024", "2024-03-15"),
        PrintedDate("15 Mar. 2024", "2024-03-15"),
        PrintedDate("15-Mar-2024", "2024-03-15"),
        PrintedDate("March 15, 2024", "2024-03-15"),
        PrintedDate("Sept 2nd, 2024", "2024-09-02"),
        PrintedDate("15th day of March, 2024", "2024-03-15"),
        // German
        PrintedDate("15.03.2024", "2024-03-15"),
        PrintedDate("15.03.2024 10:42", "2024-03-15", printed: "15.03.2024"),
        PrintedDate("15. März 2024", "2024-03-15"),
        PrintedDate("1. Dezember 2023", "2023-12-01"),
        PrintedDate("29.02.2024", "2024-02-29"),
        // ISO
        PrintedDate("2024-03-15", "2024-03-15"),
        PrintedDate("2024-03-15T10:42:00Z", "2024-03-15", printed: "2024-03-15"),
        PrintedDate("2024/3/15", "2024-03-15"),
        // Japanese and Chinese
        PrintedDate("2024年3月15日", "2024-03-15"),
        PrintedDate("2024年03月15日", "2024-03-15"),
        PrintedDate("２０２４年３月１５日", "2024-03-15"),
        PrintedDate("2024 年 3 月 15 日", "2024-03-15"),
        PrintedDate("令和6年3月15日", "2024-03-15"),
        PrintedDate("令和６年３月１５日", "2024-03-15"),
        PrintedDate("令和六年三月十五日", "2024-03-15"),
        PrintedDate("令和元年五月七日", "2019-05-07"),
        PrintedDate("令和元年5月1日", "2019-05-01"),
        PrintedDate("平成31年4月30日", "2019-04-30"),
        PrintedDate("平成三十一年四月三十日", "2019-04-30"),
        PrintedDate("平成元年1月8日", "1989-01-08"),
        PrintedDate("昭和64年1月7日", "1989-01-07"),
        PrintedDate("昭和二十年八月十五日", "1945-08-15"),
        PrintedDate("二〇二四年三月十五日", "2024-03-15"),
        PrintedDate("二○二四年十二月三十一日", "2024-12-31"),
    ]

    @Test("each printed form is read as its day", arguments: forms)
    func printedForm(_ form: PrintedDate) throws {
        let found = try #require(find("Date of issue: \(form.text)"))
        #expect(found.day == day(form.day))
        #expect(found.printed == form.printed ?? form.text)
        #expect(found.label == "Date of issue")
    }

    @Test("a date that wraps onto the next line is still one date", arguments: ["Given at Companies House, Cardiff, on 15th March\n2024.", "Given at Companies House, Cardiff, on 15th\nMarch 2024."])
    func wrappedDate(_ text: String) {
        #expect(find(text) == IssueDate(day: day("2024-03-15"), page: 1, printed: "15th March 2024", label: "Given … on"))
    }

    @Test(
        "what is no real day is no date",
        arguments: [
            "31.02.2024", "30 février 2024", "29.02.2023", "29/02/1900", "31/04/2024", "32/01/2024", "00.01.2024", "15.13.2024",
            "2024-02-30", "2024年2月30日", "令和元年4月30日", "平成元年1月7日", "昭和元年12月24日", "令和6年13月1日",
        ]
    )
    func impossibleDay(_ text: String) {
        #expect(find("Date of issue: \(text)") == nil)
    }

    @Test(
        "forms that cannot be read without guessing are not read",
        arguments: [
            "03/15/2024",  // month first: every jurisdiction served writes the day first
            "15.03.24",  // a two-digit year
            "15 mars",  // no year
            "IN01-12345678-20240315",  // a reference with a date inside
            "1.15.03.2024",  // a longer dotted number
            "15.03.2024abc",
        ]
    )
    func unreadableForm(_ text: String) {
        #expect(find("Date of issue: \(text)") == nil)
    }

    // MARK: Labels

    static let labelled: [LabelledDate] = [
        LabelledDate("Extrait Kbis à jour au 15/03/2024", "à jour au"),
        LabelledDate("Extrait délivré le 15 mars 2024", "délivré le"),
        LabelledDate("Extrait Kbis du 15/03/2024", "Extrait … du"),
        LabelledDate("Fait à Paris, le 15 mars 2024", "Fait à … le"),
        LabelledDate("Certificat en date du 15 mars 2024", "en date du"),
        LabelledDate("Ausdruck vom 15.03.2024 10:42", "Ausdruck vom"),
        LabelledDate("Stand: 15.03.2024", "Stand"),
        LabelledDate("Datum: 15.03.2024", "Datum"),
        LabelledDate("Date of issue 15/03/2024", "Date of issue"),
        LabelledDate("Issue date:15/03/2024", "Issue date"),
        LabelledDate("Issued on 15 March 2024.", "Issued on"),
        LabelledDate("Printed on 15/03/2024 at 10:42", "Printed on"),
        LabelledDate("Company information as at 15 March 2024", "as at"),
        LabelledDate("Dated this 15th day of March 2024", "Dated"),
        LabelledDate("Given under my hand at Dublin, this 15th day of March, 2024.", "Given … this"),
        LabelledDate("発行日：令和6年3月15日", "発行日"),
        LabelledDate("証明書作成日 2024年3月15日", "証明書作成日"),
        LabelledDate("令和6年3月15日発行", "発行"),
        LabelledDate("发证日期：2024年03月15日", "发证日期"),
    ]

    @Test("a date right after an issue label is the issue date, and the label is reported", arguments: labelled)
    func labelledDate(_ labelled: LabelledDate) throws {
        let found = try #require(find("Registered office: 1 Example Street\n\(labelled.text)\nOfficers: Jane Doe, appointed 01/02/2010"))
        #expect(found.day == day("2024-03-15"))
        #expect(found.label == labelled.label)
    }

    @Test("a label and its date in separate blocks, as raw extraction orders a table, still go together")
    func labelAboveItsDate() {
        #expect(find("Date of issue\n\n15/03/2024\n\nCompany name\n\nNORTHWIND LIMITED")?.label == "Date of issue")
        #expect(find("à jour au\n15 mars 2024")?.day == day("2024-03-15"))
    }

    @Test(
        "a date after another kind of label is never the issue date",
        arguments: [
            "Date d'immatriculation 02/09/2019",
            "Date d'immatriculation02/09/2019",
            "Date of incorporation: 15 March 2010",
            "Incorporation Date:08/04/2019",
            "Incorporated on 15 March 2010",
            "Registration Date 4/5/2010",
            "Date of appointment: 12/01/2021",
            "Date et lieu de naissanceLe 14/06/1981 à Annecy (74)",
            "Durée de la personne moraleJusqu'au 01/09/2118",
            "Gründung: 01.02.2010",
            "a) Tag der letzten Eintragung:14.02.2023",
            "会社成立の年月日令和元年５月７日",
            "設立\n令和元年５月７日",
            "成立日期2020年06月18日",
            "营业期限2020年06月18日至长期",
        ]
    )
    func otherKindOfDate(_ text: String) {
        #expect(find(text) == nil)
    }

    @Test(
        "a date with no issue label is not guessed",
        arguments: [
            "Status Date:08/04/2019",  // 'Date:' counts only at the start of a line
            "Date of Last AGM:28/06/2023",
            "Mention n° 41872 du 12/01/2022 : Modification du capital social.",  // 'du' needs 'Extrait' before it
            "Gesellschaftsvertrag vom 10.01.2020",
            "München, 15.03.2024",
            "R.C.S. Paris - 15/03/2024 - 10:42:13",
            "Director: Anna Martin, 4/5/2012",
            "Date\n12/07/2023\nConfirmation statement made with no updates",  // a table's column header, no colon
            "is this day incorporated under the Companies Act 2006",
        ]
    )
    func unlabelledDate(_ text: String) {
        #expect(find(text) == nil)
    }

    // MARK: Preference

    @Test("an explicit issue label beats a weaker one printed earlier")
    func strongerLabelWins() {
        let found = find("Date: 01/03/2024\nCompany: NORTHWIND LIMITED", "Date of issue: 15/03/2024")
        #expect(found == IssueDate(day: day("2024-03-15"), page: 2, printed: "15/03/2024", label: "Date of issue"))
    }

    @Test("between labels of equal strength, the first in reading order wins")
    func firstOfEqualsWins() {
        #expect(find("Abruf vom 15.03.2024\nAusdruck vom 16.03.2024")?.day == day("2024-03-15"))
    }

    @Test("a labelled date on a later page beats unlabelled dates on the first")
    func labelOnLaterPage() {
        let found = find("Officers\nDirector: Jane Doe, 01/02/2010\n15/02/2011 Annual return", "Printed on 15/03/2024")
        #expect(found?.page == 2)
        #expect(found?.day == day("2024-03-15"))
    }

    @Test("pages are counted from 1, and no pages or empty pages give no date")
    func noPages() {
        #expect(IssueDateFinder.find(inPages: []) == nil)
        #expect(find("", "") == nil)
        #expect(find("", "", "Date: 15/03/2024")?.page == 3)
    }

    @Test("a registry extract that prints only incorporation, officer and filing dates has no issue date")
    func extractWithoutIssueDate() {
        let corpusLike = """
            Companies House
            Company information extract
            Company name
            NORTHGATE NETWORKS LIMITED
            Company number
            12345678
            Incorporated on
            4/5/2010
            Officers
            Director: Anna Martin, 12/7/2012
            Director: Sean Walsh, 3/11/2015
            Filing history
            21/6/2019 Confirmation statement made with no updates
            Page 1
            """
        #expect(find(corpusLike) == nil)
    }

    // MARK: Japanese registry certificates

    @Test("without its statement and registrar, a Japanese registry certificate is dated by its last date, alone on its line")
    func japaneseFallback() throws {
        let lastPage = SamplePages.rirekiJikoZenbu[1]
            .replacingOccurrences(of: "これは登記簿に記録されている閉鎖されていない事項の全部であることを証明した書面である。", with: "")
            .replacingOccurrences(of: "東京法務局", with: "")
            .replacingOccurrences(of: "登記官", with: "")
        let found = try #require(IssueDateFinder.find(inPages: [SamplePages.rirekiJikoZenbu[0], lastPage]))
        #expect(found == IssueDate(day: day("2024-03-15"), page: 2, printed: "令和６年３月１５日", label: nil))
    }

    @Test("the fallback takes no date that dates an event (就任, 登記) and none outside a registry certificate")
    func japaneseFallbackLimits() {
        #expect(find("履歴事項全部証明書\n取締役　山田太郎\n令和３年６月２８日就任") == nil)
        #expect(find("履歴事項全部証明書\n令和６年３月１５日\n取締役　山田太郎　令和３年６月２８日就任") == nil)
        #expect(find("取締役会議事録\n令和６年３月１５日") == nil)
    }

    // MARK: Calendar day

    @Test("a calendar day exists only if the Gregorian calendar has it")
    func calendarDayValidity() {
        #expect(CalendarDay(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDay(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDay(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDay(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDay(year: 2024, month: 4, day: 31) == nil)
        #expect(CalendarDay(year: 2024, month: 13, day: 1) == nil)
        #expect(CalendarDay(year: 2024, month: 1, day: 0) == nil)
        #expect(CalendarDay(year: 0, month: 1, day: 1) == nil)
    }

    @Test("a calendar day reads and writes ISO 8601, also as JSON")
    func calendarDayISO() throws {
        #expect(day("2024-03-15").description == "2024-03-15")
        #expect(CalendarDay(year: 987, month: 6, day: 5)?.description == "0987-06-05")
        for bad in ["2024-3-15", "2024-03-15T00:00:00Z", "15/03/2024", "2024-02-30", "", "２０２４-03-15"] {
            #expect(CalendarDay(iso: bad) == nil, "\(bad)")
        }
        let json = try JSONEncoder().encode([day("2024-03-15")])
        #expect(String(decoding: json, as: UTF8.self) == #"["2024-03-15"]"#)
        #expect(try JSONDecoder().decode([CalendarDay].self, from: json) == [day("2024-03-15")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDay].self, from: Data(#"["2024-02-30"]"#.utf8)) }
    }

    @Test("days between calendar days count leap days and run backwards too")
    func calendarDayArithmetic() {
        #expect(day("2024-01-01").days(until: day("2025-01-01")) == 366)
        #expect(day("2023-01-01").days(until: day("2024-01-01")) == 365)
        #expect(day("2024-03-15").days(until: day("2024-06-13")) == 90)
        #expect(day("2024-03-15").days(until: day("2024-03-14")) == -1)
        #expect(day("1970-01-01").days(until: day("2024-03-15")) == 19_797)
        #expect(day("1900-03-01").days(until: day("2100-03-01")) == 73_049)
        #expect(day("2024-02-28") < day("2024-02-29"))
        #expect(day("2023-12-31") < day("2024-01-01"))
    }

    @Test("today is the UTC day of the instant")
    func calendarDayOfDate() {
        #expect(CalendarDay(Date(timeIntervalSince1970: 0)) == day("1970-01-01"))
        #expect(CalendarDay(Date(timeIntervalSince1970: -1)) == day("1969-12-31"))
        #expect(CalendarDay(Date(timeIntervalSince1970: 1_710_547_199)) == day("2024-03-15"))
        #expect(CalendarDay(Date(timeIntervalSince1970: 1_710_547_200)) == day("2024-03-16"))
        #expect(CalendarDay(Date.distantFuture).year <= 9999)
    }
}
