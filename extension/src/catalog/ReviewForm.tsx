import type { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { Review } from '../../../server/src/contract/catalog';
import type { CatalogModel } from './catalog-model';

/** The service's limit on a review's text. */
const REVIEW_MAX_CHARS = 500;

/** An average rating as five stars (rounded to the nearest whole star). */
export function Stars(props: { value: number; trans: TranslationBundle }): JSX.Element {
  const full = Math.round(props.value);
  return (
    <span
      className="jp-Prism-catalogStars"
      role="img"
      aria-label={props.trans.__('Rated %1 of 5', props.value)}
    >
      {'★'.repeat(full)}
      {'☆'.repeat(5 - full)}
    </span>
  );
}

/** The caller's rating and short review, and everyone's reviews on demand. */
export function ReviewForm(props: {
  template: string;
  model: CatalogModel;
  busy: boolean;
  trans: TranslationBundle;
}): JSX.Element {
  const { template, model, busy, trans } = props;
  const [open, setOpen] = React.useState(false);
  const [rating, setRating] = React.useState(0);
  const [text, setText] = React.useState('');
  const [reviews, setReviews] = React.useState<Review[] | null>(null);

  const showReviews = async (): Promise<void> => {
    setOpen(true);
    setReviews(await model.reviews(template).catch(() => []));
  };
  const submit = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault();
    if (await model.review(template, rating, text)) {
      setText('');
      setReviews(await model.reviews(template).catch(() => []));
    }
  };

  if (!open) {
    return (
      <Button minimal className="jp-Prism-catalogReviewsToggle" onClick={() => void showReviews()}>
        {trans.__('Reviews and rating')}
      </Button>
    );
  }
  return (
    <div className="jp-Prism-catalogReviews">
      <form className="jp-Prism-catalogReviewForm" onSubmit={event => void submit(event)}>
        <span role="radiogroup" aria-label={trans.__('Your rating')}>
          {[1, 2, 3, 4, 5].map(n => (
            <button
              key={n}
              type="button"
              role="radio"
              aria-checked={rating === n}
              aria-label={trans.__('%1 stars', n)}
              className="jp-Prism-catalogStar"
              onClick={() => setRating(n)}
            >
              {n <= rating ? '★' : '☆'}
            </button>
          ))}
        </span>
        <textarea
          className="jp-mod-styled"
          aria-label={trans.__('Your review')}
          placeholder={trans.__('A short review (optional)')}
          maxLength={REVIEW_MAX_CHARS}
          value={text}
          onChange={event => setText(event.target.value)}
        />
        <Button type="submit" disabled={busy || rating === 0}>
          {trans.__('Submit review')}
        </Button>
      </form>
      {reviews?.length === 0 && <div>{trans.__('No reviews yet.')}</div>}
      <ul className="jp-Prism-catalogReviewList">
        {reviews?.map(r => (
          <li key={r.user}>
            <Stars value={r.rating} trans={trans} /> <strong>{r.user}</strong>{' '}
            {r.text}
          </li>
        ))}
      </ul>
    </div>
  );
}
