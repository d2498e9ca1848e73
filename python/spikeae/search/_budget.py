"""A total trial budget shared by all workers of a study, kept exactly.

optuna.study.MaxTrialsCallback alone checks the count after a trial and lets
the worker start the next one later; two workers that finish at the same moment
can both see "one trial left" and both start one. Here a lock shared by the
workers is taken before counting and held until the next trial exists (the
objective releases it as its first step), so counting and creating a trial
happen as one step. The lock is a PostgreSQL advisory lock (released by the
server if a worker dies) or, for a SQLite file, a file lock next to it
(see _search_locks).
"""

from __future__ import annotations

import optuna
from optuna.study import MaxTrialsCallback

from ._locks import make_lock


class TrialBudget:
    """Stops every worker once the study holds `total` trials (any state).

    Use: `start(study)` before study.optimize (False: nothing left to do),
    `release` as the objective's first step, the object itself as a callback,
    and `close` after study.optimize (also on errors).
    """

    def __init__(self, total: int, storage_url: str, study_name: str) -> None:
        self._lock = make_lock(storage_url, f"budget:{study_name}")
        # states=None: running and waiting trials count too (they belong to other workers).
        self._stopper = MaxTrialsCallback(total, states=None)
        self._total = total
        self._held = False

    def start(self, study: optuna.Study) -> bool:
        self._acquire()
        if self._exhausted(study):
            self.release()
            return False
        return True

    def release(self) -> None:
        if self._held:
            self._held = False
            self._lock.release()

    def __call__(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        self._acquire()
        if self._exhausted(study):
            self._stopper(study, trial)  # study.stop(): this worker starts no new trial
            self.release()

    def close(self) -> None:
        self.release()
        self._lock.close()

    def _acquire(self) -> None:
        if not self._held:
            self._lock.acquire()
            self._held = True

    def _exhausted(self, study: optuna.Study) -> bool:
        return len(study.get_trials(deepcopy=False, states=None)) >= self._total

