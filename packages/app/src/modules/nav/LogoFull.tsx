import { makeStyles } from '@material-ui/core';
import { LogoIcon } from './LogoIcon';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    alignItems: 'center',
    gap: 10,
    whiteSpace: 'nowrap',
  },
  text: { color: '#7df3e1', fontSize: 19, fontWeight: 600, lineHeight: 1.1 },
});

/** The portal's name beside the icon, in the open sidebar. */
export const LogoFull = () => {
  const classes = useStyles();
  return (
    <div className={classes.root}>
      <LogoIcon />
      <span className={classes.text}>
        Provisioning
        <br />
        portal
      </span>
    </div>
  );
};
