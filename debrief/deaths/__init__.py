"""Death reports and linked series: the methods, free of the database and the web.

`records` holds the plain shapes the methods work on; `linkage` links reports of one person into one
death (probabilistic record linkage); `profile` makes one death's picture from its reports; `series`
scores how alike two deaths are as a possible linked series and groups them. The services in
`debrief/services/` load records from the database, call these, and store what they find.
"""
