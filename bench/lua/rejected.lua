-- A create the schema refuses (an attribute the spec does not allow): the mock answers 400-147
-- after auth, headers and schema validation, i.e. the whole rejection path.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer user-admin-token"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.body = '{"department": {"name": "Service"}, ' ..
  '"type": {"value": "email", "subtype": {"value": "general"}}, ' ..
  '"subject": "printer jams", "colour": "blue", ' ..
  '"payload": {"email": {"emailAddresses": {"from": "bruno@client.example", ' ..
  '"receiver": "help@shop.example"}}}}'
dofile("report.lua")
