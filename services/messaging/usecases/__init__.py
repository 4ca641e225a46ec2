"""Messaging's commands, one function each, called by the service with a unit of work.

Each use case commits its unit of work itself before it returns (see
``services/chassis/database.py``). The notification sender is woken by that
commit (``adapters/orm.py``), so a use case that creates notifications only
has to commit.

* ``account_mail``, ``order_mail``, ``return_mail``: one notification per consumed event
  (redelivery is stopped before, by the inbox in ``consume``);
* ``desk``: the customer's threads; ``staff_desk``: the staff inbox and the
  notifications view;
* ``privacy``: erasure.
"""
