"""Business rules, one module per concept. Views, the API, commands and jobs all call these.

Services add and change rows and flush; they never commit. The request, command or job that
called them owns the transaction.
"""
