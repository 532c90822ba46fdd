-- A send under way: set in its own commit just before a message is handed to its channel, cleared when the message
-- is put back. A row that still has it when its claim has ended belongs to a host that stopped in the middle of the
-- send: the message may have gone out, so it is marked UNCERTAIN (message.status) instead of being sent again.
alter table outbound add column sending_since timestamp with time zone;
