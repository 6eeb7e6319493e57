-- The same valid create in XML: the mock answers 201 with a Location.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer user-admin-token"
wrk.headers["Content-Type"] = "application/xml"
wrk.headers["Accept"] = "application/json"
wrk.body = '<activity><department><name>Service</name></department>' ..
  '<type><value>email</value><subtype><value>general</value></subtype></type>' ..
  '<subject>printer jams</subject>' ..
  '<payload><email><emailAddresses><from>bruno@client.example</from>' ..
  '<receiver>help@shop.example</receiver></emailAddresses>' ..
  '<content><text>It jams on page two.</text></content></email></payload></activity>'
dofile("report.lua")
