import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { Problem } from '../tokens';

/** A problem from the service, always with what to do next. */
export function ProblemNotice(props: {
  problem: Problem;
  trans: TranslationBundle;
}): JSX.Element {
  const { problem, trans } = props;
  return (
    <div className="jp-Prism-problem" role="alert" data-code={problem.code}>
      <div className="jp-Prism-problemTitle">
        {problem.title}
        <span className="jp-Prism-problemCode">{problem.code}</span>
      </div>
      {problem.detail && (
        <div className="jp-Prism-problemDetail">{problem.detail}</div>
      )}
      {problem.hint && (
        <div className="jp-Prism-problemHint">
          <strong>{trans.__('What to do: ')}</strong>
          {problem.hint}
        </div>
      )}
    </div>
  );
}
