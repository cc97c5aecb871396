"""Tags (客户标签): the governed taxonomy and its change events.

taxonomy   read, create, rename, merge, deprecate; names and aliases resolved
health     unused, undescribed and redundant tags
events     the tag event outbox: dispatched, numbered, read back
feed       one server process's tail of the event log, for subscribers
"""
