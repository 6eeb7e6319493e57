-- A valid create by a user, in JSON: the mock answers 201 with a Location.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer user-admin-token"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.body = '{"department": {"name": "Service"}, ' ..
  '"type": {"value": "email", "subtype": {"value": "general"}}, ' ..
  '"subject": "printer jams", ' ..
  '"payload": {"email": {"emailAddresses": {"from": "bruno@client.example", ' ..
  '"receiver": "help@shop.example"}, "content": {"text": "It jams on page two."}}}}'
dofile("report.lua")
