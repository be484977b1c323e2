import { LabIcon } from '@jupyterlab/ui-components';

/** A prism: the launcher card and the panel's tab. */
export const prismIcon = new LabIcon({
  name: 'jupyterlab-prism:prism',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16">
  <path class="jp-icon3" fill="#616161" d="M12 2 2 20h20L12 2zm0 4.2L18.6 18H5.4L12 6.2z"/>
  <path class="jp-icon3" fill="#616161" opacity="0.5" d="M12 9.5 8.2 16.2h7.6z"/>
</svg>`
});

/** A stack of disks: the Datasets sidebar's tab. */
export const datasetsIcon = new LabIcon({
  name: 'jupyterlab-prism:datasets',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16">
  <path class="jp-icon3" fill="#616161" d="M12 2C7.6 2 4 3.3 4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5c0-1.7-3.6-3-8-3zm0 2c3.7 0 6 1 6 1s-2.3 1-6 1-6-1-6-1 2.3-1 6-1zM6 7.4C7.5 8 9.6 8.3 12 8.3s4.5-.3 6-.9V11c0 .4-2.2 1.4-6 1.4S6 11.4 6 11V7.4zm0 6c1.5.6 3.6.9 6 .9s4.5-.3 6-.9V17c0 .4-2.2 1.4-6 1.4S6 17.4 6 17v-3.6z"/>
</svg>`
});
