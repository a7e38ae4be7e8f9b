import Workflow

/// What `paperwork serve` prints after creating the demo data: the secrets, and a walk
/// through the API with curl that works as printed.
enum DemoInstructions {
    static func text(_ demo: DemoData.Credentials, base: String, outbox: String?, catalog: String?) -> String {
        let mailbox = outbox.map { "ls \($0)/   # each e-mail is an .eml file" } ?? "(e-mails go to the configured SMTP server)"
        return """

            Demo data created (first start with an empty database; DEMO_DATA=false turns this off).
            These secrets are shown once; they are also in demo-credentials.txt in the data directory.

              demo company:   Demo Networks Ltd (id \(demo.companyID)), admin \(demo.adminEmail)
              admin password: \(demo.adminPassword)
              admin token:    \(demo.adminToken)
              operator token: \(demo.operatorToken)
              reviewer token: \(demo.reviewerToken)
              catalog:        \(catalog ?? "empty (import one: paperwork catalog import FILE)")

            Try it:
              ADMIN='\(demo.adminToken)'
              curl -s -H "Authorization: Bearer $ADMIN" \(base)/v1/me
              curl -s -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \\
                   -d '{"email":"colleague@example.com","role":"technical"}' \(base)/v1/companies/\(demo.companyID)/invitations
              curl -s -H 'Content-Type: application/json' -d '{"email":"you@example.com"}' \(base)/v1/signup
              \(mailbox)
              curl -s -H "Authorization: Bearer $ADMIN" '\(base)/v1/datacenters?q=paris'
              open \(base)/console and sign in with the reviewer token to review uploads
            The README's walkthrough continues from here (sign-up, company, invitations).

            """
    }
}
