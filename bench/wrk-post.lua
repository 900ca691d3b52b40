-- wrk: POST the form body in $WRK_BODY with the Authorization header in $WRK_AUTH to the URL given.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = os.getenv("WRK_AUTH")
