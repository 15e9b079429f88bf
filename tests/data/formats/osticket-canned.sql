-- osTicket 1.10 dump with an explicit column list
INSERT INTO `ost_canned_response` (`canned_id`, `dept_id`, `isenabled`, `title`, `response`, `lang`, `notes`, `created`, `updated`) VALUES
(7, 0, 1, 'Password reset', 'Hi %{ticket.name.first},<br>\r\nWe\'ve reset your password; it''s in your inbox at %{ticket.email}.<br>%{staff.signature}', 'de_DE', NULL, '2020-01-01 00:00:00', '2020-01-01 00:00:00'),
(8, 0, 0, 'Disabled one', 'Not used any more', 'en_US', 'old', '2020-01-01 00:00:00', '2020-01-01 00:00:00');
